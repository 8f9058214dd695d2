/**
 * A peer's CPU and memory while it relays a live stream at its fair share: a real swarm
 * (swarm.ts: tracker, source at `--kbps`, background peers) and one more peer, the measured
 * one, a separate `peer` process with `--stats json`. After `--warmup` seconds its CPU time
 * (utime + stime from /proc/<pid>/stat) and RSS (/proc/<pid>/status) are sampled every
 * second to the end: CPU as percent of one core over the window, RSS growth as RSS at the
 * end minus RSS right after the warm-up. Its stats lines give the rates it downloaded and
 * uploaded (its share) and the blocks it skipped.
 *
 * `--udp` sets CLUBCAST_UDP for the measured peer only (lib/net/udp.ts: "deno" for
 * Deno.listenDatagram, "ffi" or "ffi:<ms>" for the Linux FFI socket); unset, it runs as the
 * programs do by default. `--runtime bun` runs the measured peer as `bun run peer/main.ts`
 * (the swarm around it stays on Deno); it then starts itself anew in place with Bun's
 * allocator told to keep freed pages unless MIMALLOC_PURGE_DELAY is set in this benchmark's
 * environment (lib/net/bun_allocator.ts), so `MIMALLOC_PURGE_DELAY=100` measures Bun's default.
 *
 *     deno run -A --unstable-kv bench/swarm/peer_cpu.ts [--seconds 60] [--kbps 4000] [--udp ffi]
 *       [--runtime deno|bun]
 */
import { benchArgs, benchChoice, benchNumbers, intRange } from "../lib/cli.ts";
import { cpuSeconds, rssBytes } from "../lib/proc.ts";
import { median, round } from "../lib/stats.ts";
import { programArgs, startSwarm } from "./swarm.ts";

const USAGE = `deno run -A --unstable-kv --unstable-net bench/swarm/peer_cpu.ts [options]

A playing peer's CPU and memory in a real swarm on loopback (bench/README.md).

  --seconds S      measured seconds after the warm-up (default 60)
  --warmup S       warm-up seconds (default 20)
  --kbps K         the stream's bitrate (default 4000)
  --clubs N        clubs (default 4)
  --peers N        background peers (default 5)
  --udp NAME       CLUBCAST_UDP for the measured peer (default the programs')
  --runtime NAME   deno or bun, for the measured peer (default deno)
  -h, --help       this help`;

/** What one stats line of `peer --stats json` holds that this benchmark uses. */
export interface PeerStatsLine {
  readonly kbpsIn: number;
  readonly kbpsOut: number;
  readonly skipped: number;
  readonly played: number;
  readonly datagramsIn?: number;
  readonly t?: number;
}

/** Parses the JSON stats lines out of a peer's stderr text; other lines are skipped. */
export function parseStatsLines(text: string): PeerStatsLine[] {
  const out: PeerStatsLine[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const j = JSON.parse(line);
      if (typeof j.kbpsIn === "number" && typeof j.kbpsOut === "number") out.push(j);
    } catch { /* a partial line */ }
  }
  return out;
}

/** CPU percent of one core and RSS growth (MiB) from samples after the warm-up. */
export function usage(
  samples: readonly { t: number; cpu: number; rss: number }[],
): { cpuPercent: number; rssStartMiB: number; rssEndMiB: number; rssGrowthMiB: number } {
  if (samples.length < 2) throw new RangeError("need two samples");
  const a = samples[0], b = samples[samples.length - 1];
  const mib = (x: number) => x / 2 ** 20;
  return {
    cpuPercent: round((b.cpu - a.cpu) / ((b.t - a.t) / 1000) * 100, 2),
    rssStartMiB: round(mib(a.rss), 1),
    rssEndMiB: round(mib(b.rss), 1),
    rssGrowthMiB: round(mib(b.rss - a.rss), 2),
  };
}

/** Options of {@link peerCpu}. */
export interface PeerCpuOptions {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly kbps: number;
  readonly clubs: number;
  readonly peers: number;
  /** CLUBCAST_UDP for the measured peer (unset: the programs' default). */
  readonly udp?: string;
  /** The measured peer's runtime (unset: Deno, as `deno task peer` runs it). */
  readonly runtime?: "deno" | "bun";
}

/** Runs the swarm and measures one peer. */
export async function peerCpu(
  o: PeerCpuOptions,
  log: (s: string) => void = () => {},
): Promise<Record<string, unknown>> {
  const swarm = await startSwarm({ bps: o.kbps * 1000, clubs: o.clubs, peers: o.peers });
  try {
    await new Promise((r) => setTimeout(r, 3000)); // the swarm forms
    const peerArgs = [swarm.announceUrl, "--stats", "json"];
    const peer = new Deno.Command(o.runtime === "bun" ? "bun" : Deno.execPath(), {
      args: o.runtime === "bun"
        ? ["run", new URL("../../peer/main.ts", import.meta.url).pathname, ...peerArgs]
        : programArgs("peer", peerArgs),
      env: o.udp === undefined ? undefined : { CLUBCAST_UDP: o.udp },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let stderr = "";
    const errDone = (async () => {
      for await (const c of peer.stderr.pipeThrough(new TextDecoderStream())) stderr += c;
    })();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, o.warmupSeconds * 1000));
    // The warm-up's own CPU, reported apart: V8 compiles the peer's hot code in its first
    // minute or so (bench/README.md, "Session 20").
    const warmupCpu = cpuSeconds(peer.pid);
    const warmupCpuPercent = warmupCpu === null
      ? null
      : round(warmupCpu / ((Date.now() - t0) / 1000) * 100, 2);
    const statsFrom = parseStatsLines(stderr).length;
    const samples: { t: number; cpu: number; rss: number }[] = [];
    const rssSeries: number[] = [];
    while (Date.now() - t0 < o.seconds * 1000) {
      const cpu = cpuSeconds(peer.pid), rss = rssBytes(peer.pid);
      if (cpu === null || rss === null) throw new Error("the measured peer is gone");
      samples.push({ t: Date.now(), cpu, rss });
      rssSeries.push(round(rss / 2 ** 20, 1));
      if (samples.length % 60 === 0) {
        log(`peer bench: ${samples.length} s, RSS ${rssSeries.at(-1)} MiB`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    peer.kill("SIGTERM");
    await peer.status;
    await errDone;
    const lines = parseStatsLines(stderr).slice(statsFrom);
    const u = usage(samples);
    const first = lines[0], last = lines[lines.length - 1];
    const inPerSec = first && last && last.t! > first.t!
      ? (last.datagramsIn! - first.datagramsIn!) / ((last.t! - first.t!) / 1000)
      : null;
    return {
      options: o,
      ...u,
      warmupCpuPercent,
      datagramsInPerSecond: inPerSec === null ? null : round(inPerSec, 0),
      // CPU per datagram received (blocks and control), all threads, user and kernel.
      cpuUsPerDatagramIn: inPerSec ? round(u.cpuPercent / 100 * 1e6 / inPerSec, 1) : null,
      kbpsIn: round(median(lines.map((l) => l.kbpsIn)), 0),
      kbpsOut: round(median(lines.map((l) => l.kbpsOut)), 0),
      skippedInWindow: lines.length ? lines[lines.length - 1].skipped - lines[0].skipped : null,
      rssMiBEveryMinute: rssSeries.filter((_, i) => i % 60 === 0),
    };
  } finally {
    await swarm.stop();
  }
}

if (import.meta.main) {
  const v = benchArgs("peer_cpu", USAGE, Deno.args, {
    seconds: { type: "string", default: "60" },
    warmup: { type: "string", default: "20" },
    kbps: { type: "string", default: "4000" },
    clubs: { type: "string", default: "4" },
    peers: { type: "string", default: "5" },
    udp: { type: "string" },
    runtime: { type: "string", default: "deno" },
  });
  const runtime = benchChoice("peer_cpu", "--runtime", v.runtime, ["deno", "bun"]);
  const n = benchNumbers("peer_cpu", v, {
    seconds: intRange(1),
    warmup: intRange(1),
    kbps: intRange(1),
    clubs: intRange(2, 256),
    peers: intRange(1),
  });
  console.log(JSON.stringify(
    await peerCpu({
      seconds: n.seconds,
      warmupSeconds: n.warmup,
      kbps: n.kbps,
      clubs: n.clubs,
      peers: n.peers,
      udp: v.udp,
      runtime,
    }, (s) => console.error(s)),
  ));
}
