/**
 * Child processes of the benchmarks: spawned with piped stdio, their stdout read line by
 * line (so a caller can wait for a "ready" line), optionally pinned to a CPU with taskset
 * so that a load generator and the process it measures do not take turns on one core.
 */
import { cpus } from "node:os";

/** A running child with a line reader on its stdout. */
export interface Child {
  readonly proc: Deno.ChildProcess;
  readonly pid: number;
  /** The next stdout line that starts with `prefix` (other lines are skipped). */
  line(prefix: string, timeoutMs?: number): Promise<string>;
  /** Writes one line to the child's stdin. */
  write(line: string): Promise<void>;
  /** Closes stdin, then SIGTERM after `graceMs`, SIGKILL after twice that; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

let tasksetOk: boolean | undefined;

/** True when `taskset` runs here and there are at least two CPUs to pin to. */
export async function canPin(): Promise<boolean> {
  if (tasksetOk !== undefined) return tasksetOk;
  try {
    const r = await new Deno.Command("taskset", { args: ["-c", "0", "true"] }).output();
    tasksetOk = r.success && cpus().length >= 2;
  } catch {
    tasksetOk = false;
  }
  return tasksetOk;
}

/** Spawns `cmd args`, pinned to `cpu` when given and possible. */
export async function spawnChild(
  cmd: string,
  args: readonly string[],
  opts: { cpu?: number; stderr?: "inherit" | "null"; cwd?: string } = {},
): Promise<Child> {
  const pin = opts.cpu !== undefined && await canPin();
  const proc = new Deno.Command(pin ? "taskset" : cmd, {
    args: pin ? ["-c", String(opts.cpu), cmd, ...args] : [...args],
    stdin: "piped",
    stdout: "piped",
    stderr: opts.stderr ?? "inherit",
    cwd: opts.cwd,
  }).spawn();
  const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const writer = proc.stdin.getWriter();
  let pending = "";
  const lines: string[] = [];
  let waiter: (() => void) | undefined;
  let ended = false;
  (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending += value;
        for (let i = pending.indexOf("\n"); i >= 0; i = pending.indexOf("\n")) {
          lines.push(pending.slice(0, i));
          pending = pending.slice(i + 1);
        }
        waiter?.();
      }
    } catch { /* the child went away */ }
    ended = true;
    waiter?.();
  })();
  const enc = new TextEncoder();
  return {
    proc,
    pid: proc.pid,
    async line(prefix, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = lines.findIndex((l) => l.startsWith(prefix));
        if (i >= 0) return lines.splice(0, i + 1)[i].slice(prefix.length).trim();
        if (ended) throw new Error(`${cmd} ended before printing "${prefix}"`);
        if (Date.now() > deadline) throw new Error(`${cmd}: no "${prefix}" line in time`);
        await new Promise<void>((r) => {
          waiter = r;
          setTimeout(r, 1000);
        });
      }
    },
    async write(line) {
      await writer.write(enc.encode(line + "\n"));
    },
    async stop(graceMs = 2000) {
      try {
        await writer.close();
      } catch { /* closed */ }
      const t1 = setTimeout(() => {
        try {
          proc.kill("SIGTERM");
        } catch { /* gone */ }
      }, graceMs);
      const t2 = setTimeout(() => {
        try {
          proc.kill("SIGKILL");
        } catch { /* gone */ }
      }, graceMs * 2);
      await proc.status;
      clearTimeout(t1);
      clearTimeout(t2);
    },
  };
}
