/**
 * Shared fixtures for the playback tests: standard options and a driver that interleaves
 * arrivals and `advance()` calls in time order.
 */

import { Playback, type PlaybackEvent, type PlaybackOptions } from "./playback.ts";

/** The source's clock is this far behind the peer's. */
export const SKEW = 7000;
/** Base network transit, ms. */
export const TRANSIT = 20;
/** Source time between blocks, ms. */
export const PERIOD = 100;

/** The brief's example options, with overrides. */
export function opts(over: Partial<PlaybackOptions> = {}): PlaybackOptions {
  return {
    targetDelayMs: 3000,
    startBufferMs: 1000,
    toleranceMs: 250,
    rateStep: 0.05,
    mode: "skip",
    maxFreezeMs: 400,
    qualityWindowMs: 10000,
    ...over,
  };
}

/** One arrival: block `seq` (source time seq × PERIOD) reaching the peer at `at`. */
export interface Arrival {
  readonly at: number;
  readonly seq: number;
  /** A non-media seq: reported with skipNonMedia instead of added. */
  readonly nonMedia?: boolean;
}

/** The arrival of block `seq` on time, plus `late` ms of extra queueing. */
export function live(seq: number, late = 0): Arrival {
  return { at: seq * PERIOD + SKEW + TRANSIT + late, seq };
}

/** A payload that names its block. */
export function bytes(seq: number): Uint8Array {
  return new Uint8Array([seq & 0xff, (seq >> 8) & 0xff]);
}

/**
 * Feeds arrivals (sorted by time, stably) and calls advance at each of `ticks` and finally
 * at `end`; an arrival and a tick at the same time: the arrival first. Returns all events.
 */
export function drive(
  pb: Playback,
  arrivals: readonly Arrival[],
  ticks: readonly number[],
  end: number,
): PlaybackEvent[] {
  const list = [...arrivals].sort((a, b) => a.at - b.at);
  const ts = [...ticks].sort((a, b) => a - b);
  const out: PlaybackEvent[] = [];
  let i = 0, j = 0;
  while (i < list.length || j < ts.length) {
    if (i < list.length && (j >= ts.length || list[i].at <= ts[j])) {
      const a = list[i++];
      if (a.nonMedia) pb.skipNonMedia(a.seq, a.at);
      else pb.add(a.at, a.seq, a.seq * PERIOD, bytes(a.seq));
    } else out.push(...pb.advance(ts[j++]));
  }
  out.push(...pb.advance(end));
  return out;
}

/** Ticks every `step` ms from `from` to `to`. */
export function ticks(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += step) out.push(t);
  return out;
}

/** Events without payloads, for compact comparisons. */
export function brief(events: readonly PlaybackEvent[]): unknown[] {
  return events.map((e) => {
    if (e.type !== "play") return e;
    const { payload: _p, srcTime: _s, ...rest } = e;
    return rest;
  });
}

/** Arrivals of blocks `from..to` on time, leaving out `missing`. */
export function feed(from: number, to: number, missing: readonly number[] = []): Arrival[] {
  const out: Arrival[] = [];
  for (let s = from; s <= to; s++) if (!missing.includes(s)) out.push(live(s));
  return out;
}

/** A fresh Playback over the standard options with overrides. */
export function playback(over: Partial<PlaybackOptions> = {}): Playback {
  return new Playback(opts(over));
}
