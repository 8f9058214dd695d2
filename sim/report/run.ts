/**
 * Runs the simulator for the report, one process per run (so each run's peak memory is its
 * own), and says what the machine and the checkout are.
 */
import type { Run } from "./matrix.ts";

/** A run and what it printed. */
export interface RunResult {
  readonly run: Run;
  /** The command, as one could type it. */
  readonly command: string;
  /** The simulator's report (sim/main.ts, with --series). */
  readonly report: Record<string, unknown>;
  /** The checkout's commit when it ran ("+" after it: with uncommitted changes); older runs lack it. */
  readonly commit?: string;
}

/**
 * Runs the simulator with `run.args`; throws with its stderr if it fails. `outputs` are the
 * report's own files (results.md, docs/results/), which it rewrites as it goes: a change to
 * them does not make the run's commit "+".
 */
export async function runSim(run: Run, outputs: readonly string[] = []): Promise<RunResult> {
  const args = ["run", "-A", "sim/main.ts", ...run.args, "--json", "--series"];
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(`sim ${run.args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  const report = JSON.parse(text.slice(text.lastIndexOf("\n") + 1));
  const { commit: head, dirty } = await checkout(outputs);
  const commit = `${head}${dirty ? "+" : ""}`;
  return {
    run,
    command: `deno run -A sim/main.ts ${run.args.join(" ")} --json --series`,
    report,
    commit,
  };
}

/** Where and on what the report was made. */
export interface Machine {
  readonly commit: string;
  readonly dirty: boolean;
  readonly cpu: string;
  readonly cores: number;
  readonly memGiB: number;
  readonly deno: string;
  readonly os: string;
  /** Load averages (1, 5, 15 min) when the runs started. */
  readonly load: readonly number[];
  readonly date: string;
}

/**
 * The paths of `git status --porcelain` lines (relative to the repository's top) that are
 * neither one of `outputs` nor inside one ending in "/".
 */
export function changedOutside(status: string, outputs: readonly string[]): string[] {
  return status.split("\n").filter((l) => l.trim()).map((l) => l.slice(3).split(" -> ").at(-1)!)
    .filter((p) => !outputs.some((o) => (o.endsWith("/") ? p.startsWith(o) : p === o)));
}

/** The checkout's short commit, and whether a tracked file other than `outputs` is changed. */
async function checkout(outputs: readonly string[]): Promise<{ commit: string; dirty: boolean }> {
  const status = await git("status", "--porcelain", "--untracked-files=no");
  return {
    commit: (await git("rev-parse", "--short", "HEAD")).trim(),
    dirty: changedOutside(status, outputs).length > 0,
  };
}

/** What git prints, untrimmed (a status line may start with a space). */
async function git(...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
  return new TextDecoder().decode(out.stdout);
}

/** The checkout's commit (`outputs` as for runSim) and the machine's particulars. */
export async function describeMachine(outputs: readonly string[] = []): Promise<Machine> {
  let cpu = "unknown";
  try {
    cpu = /model name\s*:\s*(.+)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? cpu;
  } catch { /* not Linux */ }
  return {
    ...await checkout(outputs),
    cpu,
    cores: navigator.hardwareConcurrency,
    memGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    deno: Deno.version.deno,
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    load: Deno.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  };
}
