/**
 * Startup: the time from spawning `peer <announce-url>` (as `deno task peer` runs it) to the
 * first byte on its stdout, with a tracker, a streaming source and background peers already
 * running (swarm.ts). Each trial is a fresh process; the figure is the median of `--trials`.
 * The first byte waits for a clean entry point (peer/ts_gate.ts), as a player needs it.
 *
 *     deno run -A --unstable-kv bench/swarm/startup.ts [--trials 5]
 */
import { benchArgs, benchNumbers, intRange } from "../lib/cli.ts";
import { median, round } from "../lib/stats.ts";
import { programArgs, type Swarm } from "./swarm.ts";
import { startSwarm } from "./swarm.ts";

const USAGE = `deno run -A --unstable-kv --unstable-net bench/swarm/startup.ts [options]

Time from starting a peer to its first byte on stdout (bench/README.md).

  --trials N   fresh peers timed (default 5)
  --kbps K     the stream's bitrate (default 4000)
  --clubs N    clubs (default 4)
  --peers N    peers already running (default 3)
  -h, --help   this help`;

/** Spawns one peer and resolves with ms to its first stdout byte (it is then stopped). */
export async function firstByteMs(announceUrl: string, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  const p = new Deno.Command(Deno.execPath(), {
    args: programArgs("peer", [announceUrl]),
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = p.stdout.getReader();
  const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error("the peer ended before writing a byte");
      if (value.length > 0) return round(performance.now() - t0, 0);
    }
  } finally {
    clearTimeout(timer);
    try {
      p.kill("SIGTERM");
    } catch { /* gone */ }
    void (async () => {
      while (!(await reader.read().catch(() => ({ done: true }))).done);
    })();
    await p.status;
  }
}

/** Runs `trials` startups against `swarm` (or a swarm of its own). */
export async function startup(
  o: { trials: number; kbps: number; clubs: number; peers: number },
  swarm?: Swarm,
  log: (s: string) => void = () => {},
): Promise<Record<string, unknown>> {
  const own = swarm ?? await startSwarm({ bps: o.kbps * 1000, clubs: o.clubs, peers: o.peers });
  try {
    if (!swarm) await new Promise((r) => setTimeout(r, 4000));
    const ms: number[] = [];
    for (let i = 0; i < o.trials; i++) {
      ms.push(await firstByteMs(own.announceUrl));
      log(`startup bench: first byte after ${ms.at(-1)} ms`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    return { trials: ms, medianMs: median(ms) };
  } finally {
    if (!swarm) await own.stop();
  }
}

if (import.meta.main) {
  const v = benchArgs("startup", USAGE, Deno.args, {
    trials: { type: "string", default: "5" },
    kbps: { type: "string", default: "4000" },
    clubs: { type: "string", default: "4" },
    peers: { type: "string", default: "3" },
  });
  const n = benchNumbers("startup", v, {
    trials: intRange(1),
    kbps: intRange(1),
    clubs: intRange(2, 256),
    peers: intRange(1),
  });
  console.log(JSON.stringify(
    await startup(
      n,
      undefined,
      (s) => console.error(s),
    ),
  ));
}
