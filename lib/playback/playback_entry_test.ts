/** The start at an entry point (playback.ts, "Start at an entry point"). */
import { assertEquals } from "../testing.ts";
import type { PlaybackEvent } from "./playback.ts";
import { brief, bytes, feed, live, PERIOD, playback } from "./test_helpers.ts";

/** Blocks whose seq is a multiple of 10 are entry points. */
const entry = (payload: Uint8Array) => payload[0] % 10 === 0;
const T = live(60).at;

function history(pb: ReturnType<typeof playback>, from: number, to: number, missing: number[]) {
  for (let s = from; s <= to; s++) {
    if (!missing.includes(s)) pb.add(T, s, s * PERIOD, bytes(s), false);
  }
}

const starts = (events: PlaybackEvent[]) => brief(events.filter((e) => e.type === "start"));

Deno.test("entry start: the oldest entry within the target with a whole second after it", () => {
  const pb = playback({ entry, entryWaitMs: 5000 });
  pb.add(T, 60, 60 * PERIOD, bytes(60));
  history(pb, 20, 59, []);
  // The buffer is scanned once for the burst of adds at T, by the next add at a later time.
  const U = live(61).at; // T + 100
  pb.add(U, 61, 61 * PERIOD, bytes(61));
  const events = pb.advance(U);
  // Entry 20 is 4 s old at T (past target + tolerance); entry 30 3 s: start there, at T.
  assertEquals(starts(events), [{ type: "start", seq: 30, at: T, delayMs: 3000 }]);
  assertEquals(brief(events)[1], { type: "play", seq: 30, at: T });
});

Deno.test("entry start: a hole in the second after an entry moves the start on", () => {
  const pb = playback({ entry, entryWaitMs: 5000 });
  pb.add(T, 60, 60 * PERIOD, bytes(60));
  history(pb, 20, 59, [35]);
  pb.settle(); // the caller wants the start now
  assertEquals(starts(pb.advance(T)), [{ type: "start", seq: 40, at: T, delayMs: 2000 }]);
});

Deno.test("entry start: history alone (no live block yet) does not start playback", () => {
  const pb = playback({ entry, entryWaitMs: 5000 });
  history(pb, 20, 59, []);
  assertEquals(starts(pb.advance(T)), []);
  // The live block fixes the clock offset: entry 30 is then exactly 3 s old.
  pb.add(T, 60, 60 * PERIOD, bytes(60));
  assertEquals(starts(pb.advance(T)), [{ type: "start", seq: 30, at: T, delayMs: 3000 }]);
});

Deno.test("entry start: without an entry point it starts plainly after entryWaitMs", () => {
  const pb = playback({ entry: () => false, entryWaitMs: 2000 });
  const events: PlaybackEvent[] = [];
  for (const a of feed(0, 40)) {
    pb.add(a.at, a.seq, a.seq * PERIOD, bytes(a.seq));
    events.push(...pb.advance(a.at));
  }
  assertEquals(starts(events), [{ type: "start", seq: 0, at: live(20).at, delayMs: 2000 }]);
});

Deno.test("entry start: without the option the plain rule starts on the first wide span", () => {
  const pb = playback();
  pb.add(T, 60, 60 * PERIOD, bytes(60));
  history(pb, 20, 59, []);
  // Blocks 60 and 20 already span 4 s: the start comes with block 20, at the earliest block
  // not older than the target, which is 60 (20 is too old): no waiting for a whole second.
  assertEquals(starts(pb.advance(T)), [{ type: "start", seq: 60, at: T, delayMs: 3000 }]);
});

Deno.test("entry start: a non-media seq between the entry and the next media block is passed over", () => {
  // The pair is (30, 32): seq 31 is a signature block's.
  const pair = (a: Uint8Array, b: Uint8Array) => a[0] % 10 === 0 && b[0] === a[0] + 2;
  const pb = playback({ entry: pair, entryWaitMs: 5000 });
  pb.skipNonMedia(31);
  pb.add(T, 60, 60 * PERIOD, bytes(60));
  history(pb, 20, 59, [31]);
  assertEquals(starts(pb.advance(T)), [{ type: "start", seq: 30, at: T, delayMs: 3000 }]);
});
