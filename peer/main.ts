/**
 * The `peer` program: watches a clubcast channel and writes the live stream to stdout.
 * `peer --help` for the flags.
 *
 *     deno task peer http://127.0.0.1:8000/c/<channel> | ffplay -
 */
import { keepFreedPagesUnderBun } from "../lib/net/bun_allocator.ts";
import { wallClock } from "../lib/net/clock.ts";
import { exit, programArgs, writeStderr } from "../lib/net/runtime.ts";
import { parseFlags } from "./flags.ts";
import { runPeer } from "./session.ts";

const startedAt = wallClock();

/** Runs the program with `args`; resolves with the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const flags = parseFlags(args);
  if (flags.kind === "help") {
    console.log(flags.text);
    return 0;
  }
  if (flags.kind === "error") {
    writeStderr(`peer: ${flags.message}\n`);
    return 2;
  }
  return await runPeer(flags, { stderr: writeStderr, startedAt });
}

if (import.meta.main) {
  keepFreedPagesUnderBun(); // under Bun: restarts in place, its allocator keeping freed pages
  exit(await main(programArgs()));
}
