/**
 * A relaying peer under a junk flood (issue 6, resource exhaustion): a real swarm on
 * loopback (bench/swarm/swarm.ts: tracker, source at `--kbps`, background peers) and one
 * more peer, the measured one, a `peer` process with `--stats json` on a known port. After a
 * warm-up and a calm window, flooder.ts (under Bun) sends it `--rate` junk datagrams a second
 * (the fuzzer's generators, from `--sources` loopback addresses) for `--seconds`.
 *
 * Reported, for the calm window and the flood: blocks played, skipped and relayed per
 * second; the delivered fraction (played / (played + skipped)) during the flood; relayed
 * blocks per second in the flood over the calm window's; the peer's CPU and its RSS over
 * time (sampled every `--sample` seconds), with its growth from the flood's start to its end,
 * and its live JS heap after each major GC (V8's `--trace-gc`: RSS also holds the room V8
 * keeps around the heap, bench/swarm/heap_watch.ts);
 * what the flooder sent and got back (per source address: the amplification ratio on real
 * sockets).
 *
 *     deno run -A --unstable-kv bench/flood/flood_bench.ts [--seconds 15] [--rate 20000]
 */
import { channelTag } from "../../lib/auth/channel_tag.ts";
import { parseAnnounceUrl } from "../../peer/announce_url.ts";
import { spawnChild } from "../lib/child.ts";
import { benchArgs, benchNumbers, intRange, numberRange } from "../lib/cli.ts";
import { cpuSeconds, machineInfo, rssBytes } from "../lib/proc.ts";
import { round } from "../lib/stats.ts";
import { parseMarkCompact } from "../swarm/heap_watch.ts";
import { programArgs, startSwarm } from "../swarm/swarm.ts";

const HERE = new URL(".", import.meta.url).pathname;

const USAGE = `deno run -A --unstable-kv --unstable-net bench/flood/flood_bench.ts [options]

A relaying peer in a real swarm on loopback, flooded with junk datagrams (bench/README.md).
Needs Bun for the flooder.

  --seconds S    the flood's length (default 15)
  --rate N       junk datagrams a second (default 20000)
  --sources N    loopback addresses the junk comes from, 1 to 250 (default 200)
  --warmup S     seconds before the calm window (default 15)
  --calm S       the calm window's length, the flood's baseline (default 10)
  --sample S     RSS and CPU sampled every S seconds in the flood (default 1)
  --kbps K       the stream's bitrate (default 2000)
  --clubs N      clubs (default 4)
  --peers N      background peers (default 4)
  --json         one JSON object on one line
  -h, --help     this help`;

/** Options of {@link floodBench}. */
export interface FloodOptions {
  /** Length of the flood, s. */
  readonly seconds: number;
  /** Junk datagrams per second. */
  readonly rate: number;
  readonly sources: number;
  readonly warmupSeconds: number;
  readonly calmSeconds: number;
  /** RSS and CPU sampled this often during the flood, s. */
  readonly sampleSeconds: number;
  readonly kbps: number;
  readonly clubs: number;
  readonly peers: number;
}

/** The parts of a `peer --stats json` line this benchmark reads. */
interface StatsLine {
  readonly t: number;
  readonly played: number;
  readonly skipped: number;
  readonly kbpsOut: number;
  readonly datagramsIn: number;
  readonly malformed: number;
  readonly protocol: { readonly sent: Record<string, number> };
}

function statsLines(text: string): StatsLine[] {
  const out: StatsLine[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const j = JSON.parse(line);
      if (typeof j.played === "number" && j.protocol?.sent) out.push(j);
    } catch { /* a partial line */ }
  }
  return out;
}

const relayed = (l: StatsLine) => Object.values(l.protocol.sent).reduce((a, b) => a + b, 0);

/** Rates over the stats lines from `from` to `to` (ms timestamps of the lines). */
export function windowRates(lines: readonly StatsLine[], from: number, to: number) {
  const w = lines.filter((l) => l.t >= from && l.t <= to);
  if (w.length < 2) return null;
  const a = w[0], b = w[w.length - 1], s = (b.t - a.t) / 1000;
  const played = b.played - a.played, skipped = b.skipped - a.skipped;
  return {
    seconds: round(s, 1),
    playedPerSecond: round(played / s, 1),
    skippedPerSecond: round(skipped / s, 1),
    deliveredFraction: played + skipped > 0 ? round(played / (played + skipped), 4) : null,
    relayedPerSecond: round((relayed(b) - relayed(a)) / s, 1),
    kbpsOut: round(w.reduce((x, l) => x + l.kbpsOut, 0) / w.length, 0),
    datagramsInPerSecond: round((b.datagramsIn - a.datagramsIn) / s, 0),
    malformedPerSecond: round((b.malformed - a.malformed) / s, 0),
  };
}

/** A free UDP port on loopback (bound, then released for the peer to take). */
function freePort(): number {
  const s = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
  const port = (s.addr as Deno.NetAddr).port;
  s.close();
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the swarm, floods the measured peer, and reports. */
export async function floodBench(
  o: FloodOptions,
  log: (s: string) => void = () => {},
): Promise<Record<string, unknown>> {
  const swarm = await startSwarm({ bps: o.kbps * 1000, clubs: o.clubs, peers: o.peers });
  const target = parseAnnounceUrl(swarm.announceUrl);
  if (target instanceof Error) throw target;
  const tag = channelTag(target.key);
  const port = freePort();
  let stderr = "";
  // V8's GC trace on stdout (the stream goes to /dev/null) tells the live heap after each
  // major collection from the room V8 keeps around it, which the RSS includes.
  const args = programArgs("peer", [
    swarm.announceUrl,
    "--stats",
    "json",
    "--out",
    "/dev/null",
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
  ]);
  args.splice(1, 0, "--v8-flags=--trace-gc");
  const peer = new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" })
    .spawn();
  const errDone = (async () => {
    for await (const c of peer.stderr.pipeThrough(new TextDecoderStream())) stderr += c;
  })();
  let liveMB: number | undefined;
  const gcDone = (async () => {
    let buf = "";
    for await (const c of peer.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (buf + c).split("\n");
      buf = lines.pop()!;
      for (const l of lines) liveMB = parseMarkCompact(l)?.live ?? liveMB;
    }
  })();
  try {
    await sleep(o.warmupSeconds * 1000);
    const calmFrom = Date.now();
    await sleep(o.calmSeconds * 1000);
    const calmTo = Date.now();
    const flooder = await spawnChild("bun", [
      "run",
      `${HERE}flooder.ts`,
      "--to",
      `127.0.0.1:${port}`,
      "--tag",
      String(tag),
      "--clubs",
      String(o.clubs),
      "--rate",
      String(o.rate),
      "--sources",
      String(o.sources),
    ]);
    await flooder.line("ready", 120_000);
    const floodFrom = Date.now();
    log(`flood: ${o.rate} junk datagrams/s for ${o.seconds} s`);
    const samples: { s: number; rssMiB: number; liveMB: number | null; cpu: number }[] = [];
    while (Date.now() - floodFrom < o.seconds * 1000) {
      const cpu = cpuSeconds(peer.pid), rss = rssBytes(peer.pid);
      if (cpu === null || rss === null) throw new Error("the flooded peer is gone");
      samples.push({
        s: round((Date.now() - floodFrom) / 1000, 0),
        rssMiB: round(rss / 2 ** 20, 1),
        liveMB: liveMB ?? null,
        cpu,
      });
      if (samples.length % 10 === 0) {
        log(`flood: ${samples.at(-1)!.s} s, RSS ${samples.at(-1)!.rssMiB} MiB`);
      }
      await sleep(Math.min(o.sampleSeconds * 1000, floodFrom + o.seconds * 1000 - Date.now() + 5));
    }
    const floodTo = Date.now();
    const cpuEnd = cpuSeconds(peer.pid), rssEnd = rssBytes(peer.pid);
    await flooder.stop(30_000);
    const sent = JSON.parse(await flooder.line("done", 10_000).catch(() => "null"));
    await sleep(2000); // the last stats lines
    peer.kill("SIGTERM");
    await peer.status;
    await Promise.all([errDone, gcDone]);
    const lines = statsLines(stderr);
    const calm = windowRates(lines, calmFrom, calmTo);
    const flood = windowRates(lines, floodFrom, floodTo);
    const first = samples[0];
    const rssGrowth = rssEnd !== null ? round(rssEnd / 2 ** 20 - first.rssMiB, 1) : null;
    const cpuPercent = cpuEnd !== null
      ? round((cpuEnd - first.cpu) / ((floodTo - floodFrom) / 1000) * 100, 1)
      : null;
    return {
      options: o,
      machine: machineInfo(),
      calm,
      flood,
      deliveredFraction: flood?.deliveredFraction ?? null,
      relayedVsCalm: calm && flood && calm.relayedPerSecond > 0
        ? round(flood.relayedPerSecond / calm.relayedPerSecond, 3)
        : null,
      cpuPercentInFlood: cpuPercent,
      // What the code sets, whatever share of the CPU the machine gave the peer.
      cpuUsPerDatagramRead: cpuPercent !== null && flood && flood.datagramsInPerSecond > 0
        ? round(cpuPercent * 1e4 / flood.datagramsInPerSecond, 1)
        : null,
      rssMiBOverTime: samples.map(({ s, rssMiB }) => [s, rssMiB]),
      rssGrowthMiB: rssGrowth,
      // The live JS heap after the latest major GC at each sample (null before the first).
      liveHeapMBOverTime: samples.map(({ s, liveMB }) => [s, liveMB]),
      flooder: sent,
    };
  } finally {
    try {
      peer.kill("SIGTERM");
    } catch { /* gone */ }
    await swarm.stop();
  }
}

if (import.meta.main) {
  const v = benchArgs("flood_bench", USAGE, Deno.args, {
    seconds: { type: "string", default: "15" },
    rate: { type: "string", default: "20000" },
    sources: { type: "string", default: "200" },
    warmup: { type: "string", default: "15" },
    calm: { type: "string", default: "10" },
    sample: { type: "string", default: "1" },
    kbps: { type: "string", default: "2000" },
    clubs: { type: "string", default: "4" },
    peers: { type: "string", default: "4" },
    json: { type: "boolean", default: false },
  });
  const n = benchNumbers("flood_bench", v, {
    seconds: intRange(1),
    rate: intRange(1),
    sources: intRange(1, 250),
    warmup: intRange(0),
    calm: intRange(1),
    sample: numberRange(0.1),
    kbps: intRange(1),
    clubs: intRange(2, 256),
    peers: intRange(1),
  });
  const r = await floodBench({
    seconds: n.seconds,
    rate: n.rate,
    sources: n.sources,
    kbps: n.kbps,
    clubs: n.clubs,
    peers: n.peers,
    warmupSeconds: n.warmup,
    calmSeconds: n.calm,
    sampleSeconds: n.sample,
  }, (s) => console.error(s));
  console.log(JSON.stringify(r, null, v.json ? undefined : 2));
}
