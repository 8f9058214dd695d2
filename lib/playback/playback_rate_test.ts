import { assert, assertEquals } from "../testing.ts";
import { drive, feed, playback, SKEW, TRANSIT } from "./test_helpers.ts";

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

Deno.test("below the range the playhead slows down until the delay reaches the range", () => {
  const pb = playback(); // starts at 8020 with delay 1000 < 2750
  const es = drive(pb, feed(0, 600), [], 70000);
  const plays = es.filter((e) => e.type === "play");
  assertEquals(plays.length, 601);
  // Rate 0.95 until the delay reaches 2750 (35 s later), then the block's own deadline.
  for (const e of plays) {
    const i = e.seq;
    const want = i <= 332 ? 8020 + (i * 100) / 0.95 : i * 100 + SKEW + TRANSIT + 2750;
    assert(close(e.at, want), `seq ${i} at ${e.at}, want ${want}`);
  }
  const delays = plays.map((e) => e.at - (e.srcTime + SKEW + TRANSIT));
  for (let k = 1; k < delays.length; k++) assert(delays[k] >= delays[k - 1] - 1e-9);
  assertEquals(pb.delayMs, 2750);
  assertEquals(pb.rate, 1);
});

Deno.test("above the range the playhead speeds up until the delay is back in range", () => {
  const pb = playback(); // block 0 fresh, then a 5 s stall: starts at delay 5000 > 3250
  const arrivals = feed(0, 600).map((a) => a.seq === 0 ? a : { ...a, at: Math.max(a.at, 12020) });
  const es = drive(pb, arrivals, [], 71000);
  assertEquals(es[0], { type: "start", seq: 0, at: 12020, delayMs: 5000 });
  const plays = es.filter((e) => e.type === "play");
  assertEquals(plays.length, 601);
  for (const e of plays) {
    const i = e.seq;
    const want = i <= 367 ? 12020 + (i * 100) / 1.05 : i * 100 + SKEW + TRANSIT + 3250;
    assert(close(e.at, want), `seq ${i} at ${e.at}, want ${want}`);
  }
  assertEquals(pb.delayMs, 3250);
  assertEquals(pb.rate, 1);
});

Deno.test("the rate signal follows the delay: a long freeze pushes it above, then back", () => {
  const pb = playback({ mode: "freeze", maxFreezeMs: 3000 });
  // Start at 1000, reach 2750 after 35 s; then block 500 is lost: a 3000 ms freeze from
  // 501's deadline (50100 + 7020 + 2750 = 59870) to 62870.
  const arrivals = feed(0, 1400, [500]);
  drive(pb, arrivals.filter((a) => a.at <= 60000), [], 60000);
  assertEquals(pb.delayMs, 2750 + 130, "the stall grows the delay");
  drive(pb, arrivals.filter((a) => a.at > 60000 && a.at <= 62870), [], 62870);
  assertEquals(pb.delayMs, 5750);
  assertEquals(pb.rate, 1.05);
  drive(pb, arrivals.filter((a) => a.at > 62870), [], 150000);
  assertEquals(pb.delayMs, 3250);
  assertEquals(pb.rate, 1);
});
