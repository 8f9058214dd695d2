/**
 * What bun_allocator_test.ts runs under Bun: calls keepFreedPagesUnderBun() and prints one
 * JSON line with the pid, the purge delay the process now has and its arguments.
 *
 *     bun run lib/net/bun_allocator_probe.ts a "b c"
 */
import { keepFreedPagesUnderBun, PURGE_DELAY_VAR } from "./bun_allocator.ts";
import { env, programArgs } from "./runtime.ts";

keepFreedPagesUnderBun();
const pid = (globalThis as unknown as { process: { pid: number } }).process.pid;
console.log(JSON.stringify({ pid, delay: env(PURGE_DELAY_VAR) ?? null, args: programArgs() }));
