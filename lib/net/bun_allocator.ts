/**
 * Under Bun, the programs keep the pages their allocator frees: `peer` and `source` (and the
 * relay benchmark's forwarder) call `keepFreedPagesUnderBun()` first, which, when
 * `MIMALLOC_PURGE_DELAY` is not set, replaces the process with itself, started anew with
 * `MIMALLOC_PURGE_DELAY=-1`: the same pid, stdin, stdout and arguments (execve of
 * /proc/self/exe with /proc/self/cmdline and /proc/self/environ, through libc.ts).
 *
 * Why: Bun's mimalloc gives freed pages back to the OS 100 ms after they are freed, and a
 * relaying peer frees and reuses its block buffers in cycles longer than that, so it kept
 * handing pages back and faulting them in again: a quarter of its CPU went to the kernel's TLB
 * flushes under madvise, and it relayed at half the rate it does with the variable set
 * (bench/README.md, "Session 21"). Bun reads the variable when it starts, so a program cannot
 * set it for itself. A user's own value is left alone. Nothing happens under Deno, off Linux
 * or where libc cannot be bound (the program then runs as it would have).
 */
import { readFileSync } from "node:fs";
import { loadLibc } from "./libc.ts";
import { env, runtimeName } from "./runtime.ts";

/** The variable Bun's mimalloc reads at start. */
export const PURGE_DELAY_VAR = "MIMALLOC_PURGE_DELAY";
/** Its value that never gives freed pages back. */
export const PURGE_NEVER = "-1";

/** The strings of a /proc/self/cmdline or /proc/self/environ: each ends with a NUL. */
export function splitNulList(bytes: Uint8Array): string[] {
  const text = new TextDecoder().decode(bytes);
  if (text === "") return [];
  const parts = text.split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}

/** `environ` ("NAME=value" strings) with `name` set to `value`, replacing any entry of it. */
export function environWith(environ: readonly string[], name: string, value: string): string[] {
  return [...environ.filter((e) => !e.startsWith(`${name}=`)), `${name}=${value}`];
}

/** Whether a process of `runtime` whose purge delay is `current` should start anew with one. */
export function wantsRestart(
  runtime: string,
  platform: string,
  current: string | undefined,
): boolean {
  return runtime === "bun" && platform === "linux" && current === undefined;
}

/**
 * Under Bun on Linux with `MIMALLOC_PURGE_DELAY` unset, replaces this process with itself
 * started with `MIMALLOC_PURGE_DELAY=-1` and does not return; anywhere else (or if the exec
 * fails) returns at once and the program runs on as it is.
 */
export function keepFreedPagesUnderBun(): void {
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform ?? "";
  if (!wantsRestart(runtimeName, platform, env(PURGE_DELAY_VAR))) return;
  const binding = loadLibc();
  if (!binding) return;
  let argv: string[];
  let environ: string[];
  try {
    argv = splitNulList(readFileSync("/proc/self/cmdline"));
    environ = splitNulList(readFileSync("/proc/self/environ"));
  } catch {
    return;
  }
  if (argv.length === 0) return;
  const cString = (s: string) => new TextEncoder().encode(`${s}\0`);
  // Every string stays referenced from `keep` until execve returns, so none moves or goes.
  const keep: Uint8Array[] = [];
  const table = (strings: readonly string[]) => {
    const t = new BigUint64Array(strings.length + 1); // NULL-terminated
    strings.forEach((s, i) => {
      const c = cString(s);
      keep.push(c);
      t[i] = binding.addressOf(c);
    });
    return new Uint8Array(t.buffer);
  };
  const argvTable = table(argv);
  const envTable = table(environWith(environ, PURGE_DELAY_VAR, PURGE_NEVER));
  binding.libc.execve(cString("/proc/self/exe"), argvTable, envTable);
  // Only reached when execve failed: run on with Bun's default.
  keep.length = 0;
}
