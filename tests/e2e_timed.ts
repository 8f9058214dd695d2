/**
 * What a peer wrote, and when: the outage tests (e2e_outage_*.ts) ask when output stopped,
 * when it came back and how many blocks were skipped in a stretch of time, so they need
 * each TS packet's arrival time and the peer's per-second stats lines on one clock.
 */
import { concatBytes } from "../lib/bytes.ts";
import type { PeerProc } from "./e2e_process.ts";

const TS = 188;

/** True for an MPEG-TS null packet (PID 0x1FFF), which every demuxer skips. */
export function isNullPacket(pkt: Uint8Array): boolean {
  return pkt[0] === 0x47 && ((pkt[1] & 0x1f) << 8 | pkt[2]) === 0x1fff;
}

/** `ts` without its null packets (an input compared with a peer's {@link timedOutput}). */
export function withoutNulls(ts: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [];
  for (let o = 0; o + TS <= ts.length; o += TS) {
    const pkt = ts.subarray(o, o + TS);
    if (!isNullPacket(pkt)) kept.push(pkt);
  }
  return concatBytes(kept);
}

/** A peer's output without null packets, with the time each packet came. */
export interface TimedOutput {
  /** The packets, null packets left out (a stalled peer writes one a second). */
  readonly bytes: Uint8Array;
  /** `performance.now()` when each packet of `bytes` reached the test. */
  readonly at: readonly number[];
}

/**
 * `p`'s stdout so far, null packets left out: during a stall the peer writes one a second to
 * notice a player that quit (peer/session.ts), and those are not stream.
 */
export function timedOutput(p: PeerProc): TimedOutput {
  const all = concatBytes(p.chunks);
  // Where each chunk ends, to give every packet the time of the chunk its last byte came in.
  const ends: number[] = [];
  let sum = 0;
  for (const c of p.chunks) ends.push(sum += c.length);
  const kept: Uint8Array[] = [];
  const at: number[] = [];
  let chunk = 0;
  for (let o = 0; o + TS <= all.length; o += TS) {
    while (ends[chunk] < o + TS) chunk++;
    const pkt = all.subarray(o, o + TS);
    if (isNullPacket(pkt)) continue;
    kept.push(pkt);
    at.push(p.chunkAt[chunk]);
  }
  return { bytes: concatBytes(kept), at };
}

/** The longest stretch without a packet within [from, to], ms (the whole span if none came). */
export function longestSilence(out: TimedOutput, from: number, to: number): number {
  let last = from, worst = 0;
  for (const t of out.at) {
    if (t < from) continue;
    if (t > to) break;
    worst = Math.max(worst, t - last);
    last = t;
  }
  return Math.max(worst, to - last);
}

/** Packets (not null) written within [from, to]. */
export function packetsWithin(out: TimedOutput, from: number, to: number): number {
  return out.at.filter((t) => t >= from && t <= to).length;
}

/** One `--stats json` line of a peer, on the test's clock. */
export interface StatsPoint {
  /** `performance.now()` of the line's `t`. */
  readonly at: number;
  readonly skipped: number;
  readonly played: number;
}

/** The peer's stats lines (its `t` is unix ms: put on the test's clock with `wallMinusPerf`). */
export function statsPoints(p: PeerProc, wallMinusPerf: number): StatsPoint[] {
  const out: StatsPoint[] = [];
  for (const line of p.stderr) {
    if (!line.startsWith("{")) continue;
    try {
      const s = JSON.parse(line);
      out.push({ at: s.t - wallMinusPerf, skipped: s.skipped, played: s.played });
    } catch { /* a line cut at exit */ }
  }
  return out;
}

/** Blocks the peer reported skipped between `from` and `to` (from its stats lines). */
export function skippedWithin(points: readonly StatsPoint[], from: number, to: number): number {
  const before = points.findLast((s) => s.at <= from)?.skipped ?? 0;
  const after = points.findLast((s) => s.at <= to)?.skipped ?? before;
  return after - before;
}

/** When the first stderr line matching `re` came (`performance.now()`), or undefined. */
export function lineAt(p: PeerProc, re: RegExp): number | undefined {
  const i = p.stderr.findIndex((l) => re.test(l));
  return i < 0 ? undefined : p.stderrAt[i];
}

/** Waits until every peer wrote its first byte, or until `ms` passed. */
export async function untilPlaying(peers: readonly PeerProc[], ms: number): Promise<void> {
  const end = performance.now() + ms;
  for (const p of peers) {
    while (p.firstByteMs === undefined && performance.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Resolves at `t0 + ms` (`performance.now()` clock). */
export const sleepUntil = (t0: number, ms: number): Promise<void> =>
  new Promise((r) => setTimeout(r, Math.max(0, t0 + ms - performance.now())));
