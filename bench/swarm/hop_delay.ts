/**
 * What a relay hop adds to a block's way, timed from outside the programs: the swarm of the
 * peer benchmarks (swarm.ts: tracker, source at `--kbps`, `--peers` peers, every program its
 * own process) runs for `--warmup` seconds, then `tcpdump` captures loopback's UDP for
 * `--seconds`. From the capture, for the live (not repair) data blocks of the channel:
 *
 * - **hop**: per peer and block, the time from the block's first copy reaching the peer's
 *   port to the peer's first copy of it leaving (its push to a downstream whose lead it is;
 *   copies held back for a non-lead, `holdMs` later, are counted apart as `held`: >= 150 ms);
 * - **age**: per peer and block, the time from the source's first copy of the block leaving
 *   to the block's first copy reaching the peer: every hop on its way added up.
 *
 * `--udp` sets CLUBCAST_UDP for every program of the swarm (lib/net/udp.ts: `ffi:20` drains
 * every 20 ms whether or not a peer plays). Needs tcpdump and the right to capture (root).
 *
 *     deno run -A --unstable-kv bench/swarm/hop_delay.ts [--seconds 15] [--udp ffi:20]
 */
import { channelTag } from "../../lib/auth/channel_tag.ts";
import { decodeDatagram } from "../../lib/wire/codec.ts";
import { parseAnnounceUrl } from "../../peer/announce_url.ts";
import { benchArgs, benchNumbers, intRange } from "../lib/cli.ts";
import { readPcapUdp } from "../lib/pcap.ts";
import { median, percentile, round } from "../lib/stats.ts";
import { startSwarm } from "./swarm.ts";

const USAGE = `deno run -A --unstable-kv bench/swarm/hop_delay.ts [options]

What a relay hop adds to a block's way, from a loopback capture of a real swarm
(bench/README.md). Needs tcpdump and the right to capture (root).

  --seconds S   seconds captured (default 15)
  --warmup S    seconds before the capture (default 20)
  --kbps K      the stream's bitrate (default 4000)
  --clubs N     clubs (default 4)
  --peers N     peers (default 8)
  --udp SPEC    CLUBCAST_UDP for every program of the swarm (e.g. ffi:20)
  -h, --help    this help`;

/** A live data block's copy on the wire: when, from which port to which. */
export interface BlockCopy {
  readonly t: number;
  readonly from: number;
  readonly to: number;
  readonly seq: number;
}

/** A copy forwarded this long after it came or later was held back for a non-lead. */
export const HELD_MS = 150;

/** Summary of a list of ms: count, median, mean and the 90th and 99th percentiles. */
export function summary(xs: number[]): Record<string, number> {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    median: round(median(s), 1),
    mean: round(mean, 1),
    p90: round(percentile(s, 0.9), 1),
    p99: round(percentile(s, 0.99), 1),
  };
}

/**
 * Hops and ages from the copies (see the module). The source is the port that sends blocks
 * and is sent none.
 */
export function hopsAndAges(
  copies: readonly BlockCopy[],
): { source: number | undefined; hops: number[]; held: number; ages: number[] } {
  const receivers = new Set(copies.map((c) => c.to));
  const source = [...new Set(copies.map((c) => c.from))].find((p) => !receivers.has(p));
  const firstIn = new Map<string, number>(), firstOut = new Map<string, number>();
  const born = new Map<number, number>();
  const keep = (m: Map<string, number>, k: string, t: number) => {
    const was = m.get(k);
    if (was === undefined || t < was) m.set(k, t);
  };
  for (const c of copies) {
    keep(firstIn, `${c.to}:${c.seq}`, c.t);
    keep(firstOut, `${c.from}:${c.seq}`, c.t);
    if (c.from === source) born.set(c.seq, Math.min(born.get(c.seq) ?? Infinity, c.t));
  }
  const hops: number[] = [], ages: number[] = [];
  let held = 0;
  for (const [k, tin] of firstIn) {
    const out = firstOut.get(k);
    if (out !== undefined && out >= tin) {
      if (out - tin >= HELD_MS) held++;
      else hops.push(out - tin);
    }
    const b = born.get(Number(k.slice(k.indexOf(":") + 1)));
    if (b !== undefined) ages.push(tin - b);
  }
  return { source, hops, held, ages };
}

/** The live data blocks of channel `tag` in a pcap file. */
export function blockCopies(file: Uint8Array, tag: number): BlockCopy[] {
  const out: BlockCopy[] = [];
  for (const d of readPcapUdp(file)) {
    const r = decodeDatagram(d.payload);
    if (!r.ok || r.tag !== tag || r.msg.t !== "block") continue;
    if (r.msg.repair || r.msg.block.kind !== "data") continue;
    out.push({ t: d.t, from: d.srcPort, to: d.dstPort, seq: r.msg.block.seq });
  }
  return out;
}

/** Runs the swarm, captures and measures (see the module). */
export async function hopDelay(
  o: { seconds: number; warmupSeconds: number; kbps: number; clubs: number; peers: number },
  log: (s: string) => void = () => {},
): Promise<Record<string, unknown>> {
  const dir = await Deno.makeTempDir({ prefix: "bench-hop-" });
  const swarm = await startSwarm({ bps: o.kbps * 1000, clubs: o.clubs, peers: o.peers });
  try {
    const target = parseAnnounceUrl(swarm.announceUrl);
    if (target instanceof Error) throw target;
    await new Promise((r) => setTimeout(r, o.warmupSeconds * 1000));
    log(`hop delay: capturing loopback UDP for ${o.seconds} s...`);
    const cap = new Deno.Command("tcpdump", {
      args: ["-i", "lo", "-s", "0", "-B", "32768", "-w", `${dir}/lo.pcap`, "udp"],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    cap.kill("SIGINT");
    const st = await cap.output();
    const drops = /(\d+) packets dropped by kernel/.exec(new TextDecoder().decode(st.stderr));
    const copies = blockCopies(await Deno.readFile(`${dir}/lo.pcap`), channelTag(target.key));
    const r = hopsAndAges(copies);
    return {
      options: o,
      udp: Deno.env.get("CLUBCAST_UDP") ?? null,
      blockCopies: copies.length,
      captureDropped: drops ? Number(drops[1]) : null,
      hopMs: summary(r.hops),
      heldCopies: r.held,
      ageMs: summary(r.ages),
    };
  } finally {
    await swarm.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const v = benchArgs("hop_delay", USAGE, Deno.args, {
    seconds: { type: "string", default: "15" },
    warmup: { type: "string", default: "20" },
    kbps: { type: "string", default: "4000" },
    clubs: { type: "string", default: "4" },
    peers: { type: "string", default: "8" },
    udp: { type: "string" },
  });
  const n = benchNumbers("hop_delay", v, {
    seconds: intRange(1),
    warmup: intRange(0),
    kbps: intRange(1),
    clubs: intRange(2, 256),
    peers: intRange(1),
  });
  if (v.udp !== undefined) Deno.env.set("CLUBCAST_UDP", v.udp);
  console.log(JSON.stringify(
    await hopDelay({
      seconds: n.seconds,
      warmupSeconds: n.warmup,
      kbps: n.kbps,
      clubs: n.clubs,
      peers: n.peers,
    }, (s) => console.error(s)),
  ));
}
