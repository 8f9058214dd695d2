import { assert, assertEquals, assertThrows } from "../testing.ts";
import { Rng } from "../rand.ts";
import { Playback, type PlaybackEvent } from "./playback.ts";
import {
  brief,
  bytes,
  drive,
  feed,
  live,
  opts,
  playback,
  SKEW,
  ticks,
  TRANSIT,
} from "./test_helpers.ts";

/** No drift: the start delay (1000) is inside a wide range, so times are exact. */
const FLAT = { toleranceMs: 5000 };
/** With FLAT and an on-time feed, block i falls due at this time. */
const due = (i: number) => 8020 + 100 * i;
const seqsOf = (es: PlaybackEvent[], type: PlaybackEvent["type"]) =>
  es.filter((e) => e.type === type).map((e) => e.seq);

Deno.test("out-of-order adds play in sequence order, payloads passed through", () => {
  const pb = playback(FLAT);
  const order = new Rng(7).shuffle(Array.from({ length: 29 }, (_, i) => i + 1));
  pb.add(SKEW, 0, 0, bytes(0));
  order.forEach((seq, k) => pb.add(SKEW + 1 + k, seq, seq * 100, bytes(seq)));
  const es = pb.advance(20000);
  const plays = es.filter((e) => e.type === "play");
  assertEquals(plays.map((e) => e.seq), Array.from({ length: 30 }, (_, i) => i));
  for (const e of plays) assertEquals(e.type === "play" && e.payload, bytes(e.seq));
  assertEquals(seqsOf(es, "skip"), []);
  assert(pb.has(17) && !pb.has(30));
});

Deno.test("start waits until startBufferMs of source time is buffered", () => {
  const pb = playback(FLAT);
  assertEquals(drive(pb, feed(0, 9), [], live(9).at), []);
  assert(!pb.started);
  assertEquals(pb.nextDeadline(), undefined);
  assertEquals(pb.cursor, undefined);
  pb.add(live(10).at, 10, 1000, bytes(10));
  assert(pb.started);
  assertEquals(pb.nextDeadline(), 8020);
  assertEquals(brief(pb.advance(8020)), [
    { type: "start", seq: 0, at: 8020, delayMs: 1000 },
    { type: "play", seq: 0, at: 8020 },
  ]);
});

Deno.test("a fresh join starts at once, below target, and the rate signal says slow down", () => {
  const pb = playback();
  drive(pb, feed(0, 10), [], 8020);
  assertEquals(pb.delayMs, 1000);
  assertEquals(pb.rate, 0.95);
});

Deno.test("starts at the target delay when history reaches back past it", () => {
  const pb = playback(FLAT);
  // Block 0 came fresh (fixing the offset at 7020), then a 4 s stall, then a burst.
  const arrivals = [live(0), ...feed(1, 40).map((a) => ({ ...a, at: 11020 }))];
  const es = drive(pb, arrivals, [], 11020);
  // Block 10 is the earliest not older than 3000 ms: 11020 - (1000 + 7020) = 3000.
  assertEquals(brief(es.slice(0, 2)), [
    { type: "start", seq: 10, at: 11020, delayMs: 3000 },
    { type: "play", seq: 10, at: 11020 },
  ]);
  assert(!pb.has(5), "blocks older than the start were dropped");
  assertEquals(pb.add(11021, 3, 300, bytes(3)), false);
  assertEquals(pb.nextDeadline(), 11120); // 1100 + 7020 + 3000
});

Deno.test("when every block is older than the target it starts at once, above, speeding up", () => {
  const pb = playback();
  const burst = feed(1, 10).map((a) => ({ ...a, at: 12020 }));
  const es = drive(pb, [live(0), ...burst], [], 12020);
  assertEquals(brief(es[0] ? [es[0]] : []), [{ type: "start", seq: 0, at: 12020, delayMs: 5000 }]);
  assertEquals(pb.rate, 1.05);
});

Deno.test("skip mode: a missing block is skipped at the next block's deadline", () => {
  const pb = playback(FLAT);
  const es = brief(drive(pb, feed(0, 30, [20]), ticks(8000, 12000, 50), 12000));
  const at19 = es.findIndex((e) => (e as PlaybackEvent).seq === 19);
  assertEquals(es.slice(at19, at19 + 4), [
    { type: "play", seq: 19, at: due(19) },
    { type: "skip", seq: 20, at: due(21) },
    { type: "play", seq: 21, at: due(21) },
    { type: "play", seq: 22, at: due(22) },
  ]);
  assertEquals(pb.add(12000, 20, 2000, bytes(20)), false, "too late: ignored");
  assert(!pb.has(20) && pb.has(21));
});

Deno.test("skip mode: a block that arrives after its own deadline is skipped at it", () => {
  const pb = playback(FLAT);
  const arrivals = [...feed(0, 30, [20]), { at: due(20) + 50, seq: 20 }];
  const es = brief(drive(pb, arrivals, [], 12000));
  assertEquals(
    es.filter((e) => (e as PlaybackEvent).seq === 20 || (e as PlaybackEvent).seq === 21),
    [
      { type: "skip", seq: 20, at: due(20) },
      { type: "play", seq: 21, at: due(21) },
    ],
  );
});

Deno.test("freeze mode: a block arriving within maxFreezeMs freezes, then plays", () => {
  const pb = playback({ ...FLAT, mode: "freeze" });
  const arrivals = [...feed(0, 30, [20]), { at: due(21) + 180, seq: 20 }];
  const es = brief(drive(pb, arrivals, ticks(8000, 12000, 50), 12000));
  const i = es.findIndex((e) => (e as PlaybackEvent).seq === 20);
  assertEquals(es.slice(i, i + 4), [
    { type: "freeze", seq: 20, at: due(21), ms: 180 },
    { type: "play", seq: 20, at: due(21) + 180 },
    { type: "play", seq: 21, at: due(21) + 180 },
    { type: "play", seq: 22, at: due(22) + 180 },
  ]);
  assertEquals(pb.delayMs, 1180, "the stall grew the delay");
  assertEquals(pb.quality(12000), { skips: 0, freezes: 1 });
});

Deno.test("freeze mode: a block that never comes freezes maxFreezeMs, then is skipped", () => {
  const pb = playback({ ...FLAT, mode: "freeze" });
  const es = brief(drive(pb, feed(0, 30, [20]), ticks(8000, 12000, 50), 12000));
  const i = es.findIndex((e) => (e as PlaybackEvent).seq === 20);
  assertEquals(es.slice(i, i + 4), [
    { type: "freeze", seq: 20, at: due(21), ms: 400 },
    { type: "skip", seq: 20, at: due(21) + 400 },
    { type: "play", seq: 21, at: due(21) + 400 },
    { type: "play", seq: 22, at: due(22) + 400 },
  ]);
  assertEquals(pb.delayMs, 1400);
  assertEquals(pb.add(12000, 20, 2000, bytes(20)), false);
  assertEquals(pb.quality(12000), { skips: 1, freezes: 1 });
});

Deno.test("freeze mode: a late block is counted as a stall from its own deadline", () => {
  const pb = playback({ ...FLAT, mode: "freeze" });
  const arrivals = [...feed(0, 30, [20]), { at: due(20) + 50, seq: 20 }];
  const es = brief(drive(pb, arrivals, [], 12000));
  const i = es.findIndex((e) => (e as PlaybackEvent).seq === 20);
  assertEquals(es.slice(i, i + 3), [
    { type: "freeze", seq: 20, at: due(20), ms: 50 },
    { type: "play", seq: 20, at: due(20) + 50 },
    { type: "play", seq: 21, at: due(21) + 50 },
  ]);
});

Deno.test("freeze mode: a burst loss stalls once, then skips the whole gap", () => {
  const pb = playback({ ...FLAT, mode: "freeze" });
  const es = brief(drive(pb, feed(0, 40, [20, 21, 22, 23, 24]), [], 13000));
  assertEquals(es.filter((e) => (e as PlaybackEvent).type !== "play"), [
    { type: "start", seq: 0, at: 8020, delayMs: 1000 },
    { type: "freeze", seq: 20, at: due(25), ms: 400 },
    ...[20, 21, 22, 23, 24].map((seq) => ({ type: "skip", seq, at: due(25) + 400 })),
  ]);
});

Deno.test("non-media seqs are neither played nor skipped nor frozen on", () => {
  for (const mode of ["skip", "freeze"] as const) {
    const marks = [12, 25, 38];
    const arrivals = [
      ...feed(0, 50, marks),
      ...marks.map((seq) => ({ ...live(seq), nonMedia: true })),
    ];
    const es = drive(playback({ ...FLAT, mode }), arrivals, ticks(8000, 14000, 50), 14000);
    assertEquals(seqsOf(es, "play"), feed(0, 50, marks).map((a) => a.seq));
    assertEquals(es.filter((e) => e.type === "skip" || e.type === "freeze"), []);
  }
});

Deno.test("a stall on a seq later marked non-media is cancelled as if it never was", () => {
  const pb = playback({ ...FLAT, mode: "freeze" });
  drive(pb, feed(0, 30, [20]), [], due(21) + 100);
  pb.skipNonMedia(20, due(21) + 100); // frozen since due(21)
  assertEquals(brief(pb.advance(due(22))), [
    { type: "play", seq: 21, at: due(21) },
    { type: "play", seq: 22, at: due(22) },
  ]);
  assertEquals(pb.quality(due(22)), { skips: 0, freezes: 0 });
});

Deno.test("a lower clock offset after the start raises the delay; the playhead does not jump", () => {
  const pb = playback(FLAT);
  const fast = { at: live(30).at - 10, seq: 30 }; // 10 ms faster than every block before
  const es = drive(pb, [...feed(0, 40, [30]), fast], [], 13000);
  assertEquals(pb.delayMs, 1010);
  const plays = es.filter((e) => e.type === "play");
  assertEquals(plays.map((e) => e.at), feed(0, 40).map((a) => due(a.seq)));
});

Deno.test("local misuse throws; odd remote-ish input is refused without throwing", () => {
  assertThrows(() => new Playback(opts({ rateStep: 1 })), RangeError);
  assertThrows(() => new Playback(opts({ targetDelayMs: -1 })), RangeError);
  assertThrows(() => new Playback(opts({ qualityWindowMs: 0 })), RangeError);
  assertThrows(() => new Playback(opts({ mode: "pause" as "skip" })), RangeError);
  const pb = playback();
  assertThrows(() => pb.add(0, -1, 0, bytes(0)), RangeError);
  assertThrows(() => pb.add(0, 1.5, 0, bytes(0)), RangeError);
  assertThrows(() => pb.add(0, 1, NaN, bytes(0)), RangeError);
  assertThrows(() => pb.add(0, 1, 0, [1] as unknown as Uint8Array), TypeError);
  assertEquals(pb.add(100, 1, 0, bytes(1)), true);
  assertEquals(pb.add(101, 1, 0, bytes(1)), false, "duplicate");
  assertThrows(() => pb.advance(50), RangeError);
  pb.skipNonMedia(2);
  assertEquals(pb.add(102, 2, 100, bytes(2)), false, "marked non-media");
  assertEquals(TRANSIT, 20);
});
