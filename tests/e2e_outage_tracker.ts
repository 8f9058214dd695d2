/**
 * The tracker goes down mid-stream (issue 6, "Outages"): a tracker, a source fed a 2 Mbit/s
 * ffmpeg stream, peers that joined; the tracker is SIGKILLed, a new peer starts while it is
 * down, and the tracker comes back on the same port, with its KV file or, harder, empty
 * (`:memory:`: it forgot the channel and every peer). Returns what each peer did around the
 * outage. Used by e2e_outage_tracker_test.ts; run alone (the full 60 s outage) with
 * `deno run -A --unstable-kv --unstable-net tests/e2e_outage_tracker.ts [down-s] [memory|file]`.
 */
import { spawnTracker } from "./tracker_process.ts";
import {
  denoCommand,
  ffprobeErrors,
  leavingCounts,
  makeSourceKey,
  makeTestStream,
  matchPackets,
  offsetIn,
  oneSwarmAtATime,
  type PeerProc,
  startPeer,
  startSource,
  wholeGops,
} from "./e2e_process.ts";
import {
  lineAt,
  longestSilence,
  packetsWithin,
  skippedWithin,
  sleepUntil,
  statsPoints,
  timedOutput,
  untilPlaying,
  withoutNulls,
} from "./e2e_timed.ts";

/** How the outage goes. */
export interface TrackerOutageOptions {
  readonly dir: string;
  /** The input (makeTestStream); long enough for the whole run. */
  readonly stream: Uint8Array;
  /** Peers that join before the outage, and the channel's club count. */
  readonly peers: number;
  readonly clubs: number;
  /** "memory": the tracker comes back empty; "file": with its KV file. */
  readonly kv: "memory" | "file";
  /**
   * When the first peer joins and when the tracker goes down, ms after the stream began (or
   * later, once every peer writes the stream).
   */
  readonly joinAtMs: number;
  readonly downAtMs: number;
  /** How long the tracker stays down, and when (ms into the outage) the new peer starts. */
  readonly downMs: number;
  readonly lateJoinAtMs: number;
  /** How long everything runs on after the tracker is back, ms. */
  readonly afterMs: number;
}

/** What one peer did. */
export interface OutagePeer {
  readonly name: string;
  readonly exitCode: number;
  /** Blocks skipped (its stats) before the outage, during it, and after the return. */
  readonly skippedBefore: number;
  readonly skippedDuring: number;
  readonly skippedAfter: number;
  /** Its "leaving (played N, skipped M)" totals. */
  readonly played: number | undefined;
  readonly skipped: number | undefined;
  /** Stream bytes (not null packets) written while the tracker was down, as kbit/s. */
  readonly kbpsDuring: number;
  /** Longest time without a stream packet while the tracker was down, ms. */
  readonly silenceDuringMs: number;
  /** Its output is packets of the input in input order (-1), or where it is not. */
  readonly stray: number;
  readonly bytes: number;
  readonly probeErrors: string[];
  /** The new peer: when it joined and wrote its first byte, ms after the tracker returned. */
  readonly joinedAfterReturnMs?: number;
  readonly firstByteAfterReturnMs?: number;
  /** Its "waiting to join" lines. */
  readonly waitLines?: number;
  readonly stderrTail: string[];
}

/** What the run showed. */
export interface TrackerOutageResult {
  readonly peers: OutagePeer[];
  /** The new peer, started while the tracker was down. */
  readonly late: OutagePeer;
  /** Peers the tracker listed just before it went down, and at the end. */
  readonly listedBefore: number;
  readonly listedAfter: number;
  /** How long the tracker was actually unreachable, ms. */
  readonly downMs: number;
  readonly sourceLog: string[];
}

/**
 * Where `out` (null packets left out) stops being `input`'s packets in input order (-1: it
 * never does). The search starts where `out` begins in the input: PAT and PMT packets repeat
 * through a stream, and matched greedily from the input's start, a late joiner's first ones
 * would be found a minute too early.
 */
function inInputOrder(input: Uint8Array, out: Uint8Array): number {
  const at = out.length ? offsetIn(input, out) : -1;
  return matchPackets(at > 0 ? input.subarray(at) : input, out).stray;
}

async function listed(tracker: string, channel: string): Promise<number> {
  try {
    return (await (await fetch(`${tracker}/c/${channel}`)).json()).peers ?? -1;
  } catch {
    return -1;
  }
}

/** Runs the outage (one swarm on the machine at a time). */
export function runTrackerOutage(o: TrackerOutageOptions): Promise<TrackerOutageResult> {
  return oneSwarmAtATime(() => trackerOutage(o));
}

async function trackerOutage(o: TrackerOutageOptions): Promise<TrackerOutageResult> {
  const kv = o.kv === "file" ? `${o.dir}/tracker-${crypto.randomUUID()}.kv` : ":memory:";
  const args = ["--kv", kv, "--interval", "2", "--rate", "0"];
  let tracker = await spawnTracker(args);
  const port = Number(new URL(tracker.url).port);
  const key = await makeSourceKey(o.dir);
  const source = await startSource(denoCommand("source"), tracker.url, key, [
    "--clubs",
    String(o.clubs),
  ]);
  const channel = source.url.split("/c/")[1];
  const wallMinusPerf = Date.now() - performance.now();
  const t0 = performance.now();
  const feeding = source.feed(o.stream, 2_000_000).catch(() => {});
  const peers: PeerProc[] = [];
  for (let i = 0; i < o.peers; i++) {
    await sleepUntil(t0, o.joinAtMs + i * 250);
    peers.push(startPeer(denoCommand("peer"), `peer${i + 1}`, source.url));
  }

  // The outage starts once every peer plays (on a busy machine one may take seconds).
  await untilPlaying(peers, o.downAtMs + 15_000);
  await sleepUntil(t0, o.downAtMs);
  const listedBefore = await listed(tracker.url, channel);
  tracker.child.kill("SIGKILL");
  await tracker.child.status;
  const downAt = performance.now();
  await sleepUntil(downAt, o.lateJoinAtMs);
  const late = startPeer(denoCommand("peer"), "late", source.url);
  await sleepUntil(downAt, o.downMs);
  tracker = await spawnTracker(args, port);
  const upAt = performance.now();

  await sleepUntil(upAt, o.afterMs);
  const listedAfter = await listed(tracker.url, channel);
  const endAt = performance.now();
  const exits = new Map<string, number>();
  for (const p of [...peers, late]) exits.set(p.name, await p.stop("SIGTERM"));
  source.child.kill("SIGTERM");
  await source.wait(10_000);
  await feeding;
  await tracker.stop();

  const result = async (p: PeerProc, isLate: boolean): Promise<OutagePeer> => {
    const out = timedOutput(p);
    const points = statsPoints(p, wallMinusPerf);
    const counts = leavingCounts(p.stderr);
    const gops = wholeGops(out.bytes);
    const joinedAt = lineAt(p, /^peer: joined /);
    return {
      name: p.name,
      exitCode: exits.get(p.name) ?? -1,
      skippedBefore: skippedWithin(points, -Infinity, downAt),
      skippedDuring: skippedWithin(points, downAt, upAt),
      skippedAfter: skippedWithin(points, upAt, endAt),
      played: counts?.played,
      skipped: counts?.skipped,
      kbpsDuring: (packetsWithin(out, downAt, upAt) * 188 * 8) / (upAt - downAt),
      silenceDuringMs: Math.round(longestSilence(out, downAt, upAt)),
      stray: inInputOrder(input, out.bytes),
      bytes: out.bytes.length,
      probeErrors: gops.length ? await ffprobeErrors(gops, o.dir) : ["nothing to probe"],
      ...(isLate && {
        joinedAfterReturnMs: joinedAt === undefined ? undefined : Math.round(joinedAt - upAt),
        firstByteAfterReturnMs: out.at.length ? Math.round(out.at[0] - upAt) : undefined,
        waitLines: p.stderr.filter((l) => l.startsWith("peer: waiting to join")).length,
      }),
      stderrTail: p.stderr.filter((l) => !l.startsWith("{")).slice(-6),
    };
  };
  const input = withoutNulls(o.stream);
  const results: OutagePeer[] = [];
  for (const p of peers) results.push(await result(p, false));
  return {
    peers: results,
    late: await result(late, true),
    listedBefore,
    listedAfter,
    downMs: Math.round(upAt - downAt),
    sourceLog: source.stderr,
  };
}

/** One line per peer. */
export function describeOutagePeer(r: OutagePeer): string {
  const late = r.joinedAfterReturnMs === undefined && r.firstByteAfterReturnMs === undefined
    ? ""
    : `joined ${r.joinedAfterReturnMs} ms and first byte ${r.firstByteAfterReturnMs} ms ` +
      `after the tracker returned (${r.waitLines} waiting lines), `;
  return `${r.name} [exit ${r.exitCode}]: ${late}skipped ${r.skippedBefore} before / ` +
    `${r.skippedDuring} during / ${r.skippedAfter} after the outage (total ${r.skipped}, ` +
    `played ${r.played}); ${r.kbpsDuring.toFixed(0)} kbit/s written while down, longest ` +
    `silence ${r.silenceDuringMs} ms; ${(r.bytes / 1e6).toFixed(2)} MB, ` +
    `${r.stray === -1 ? "in input order" : `STRAY at packet ${r.stray}`}, ffprobe ` +
    `${r.probeErrors.length} errors`;
}

if (import.meta.main) {
  const downS = Number(Deno.args[0] ?? 60);
  const kv = Deno.args[1] === "file" ? "file" : "memory";
  const dir = await Deno.makeTempDir({ prefix: "clubcast-outage-" });
  await makeTestStream(`${dir}/in.ts`, downS + 30);
  const r = await runTrackerOutage({
    dir,
    stream: await Deno.readFile(`${dir}/in.ts`),
    peers: 4,
    clubs: 4,
    kv,
    joinAtMs: 1500,
    downAtMs: 8000,
    downMs: downS * 1000,
    lateJoinAtMs: (downS * 1000) / 2,
    afterMs: 10_000,
  });
  console.log(
    `tracker down ${r.downMs} ms (kv ${kv}); listed before ${r.listedBefore}, ` +
      `after ${r.listedAfter}`,
  );
  for (const p of [...r.peers, r.late]) {
    console.log(describeOutagePeer(p));
    if (p.probeErrors.length) console.log("   ", p.probeErrors.slice(0, 3).join(" | "));
  }
  console.log(r.late.stderrTail.join("\n"));
  console.log(r.sourceLog.slice(-4).join("\n"));
  await Deno.remove(dir, { recursive: true });
}
