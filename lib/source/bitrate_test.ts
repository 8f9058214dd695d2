import { assert, assertEquals, assertThrows } from "../testing.ts";
import { BitrateEstimator } from "./bitrate.ts";

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/** Feeds `bps` for `seconds` as 100 records per second, starting at `from` ms. */
function feed(e: BitrateEstimator, from: number, seconds: number, bps: number): number {
  for (let t = from; t < from + seconds * 1000; t += 10) e.record(t, bps / 8 / 100);
  return from + seconds * 1000;
}

Deno.test("steady input converges to the true rate", () => {
  const e = new BitrateEstimator({ initialBps: 50e6 });
  let t = feed(e, 0, 1, 10e6);
  assertEquals(e.estimate(t - 1), 50e6, "nothing closed yet");
  // The estimate starts 40 Mbit/s high and loses 60% of the gap per interval.
  for (let n = 1; n <= 8; n++) {
    t = feed(e, t, 1, 10e6);
    assert(near(e.estimate(t - 1), 10e6 + 40e6 * 0.4 ** n), `interval ${n}`);
  }
  const fresh = new BitrateEstimator();
  feed(fresh, 0, 1, 2e6);
  assert(near(fresh.estimate(1000), 2e6), "from zero, the first interval is taken at once");
});

Deno.test("a drop to zero decays by 60% of the gap per interval, not at once", () => {
  const e = new BitrateEstimator();
  const t = feed(e, 0, 3, 10e6);
  assert(near(e.estimate(t), 10e6));
  e.record(t, 0); // the stream stops
  assert(near(e.estimate(t + 999), 10e6), "the open interval does not count");
  assert(near(e.estimate(t + 1000), 4e6));
  assert(near(e.estimate(t + 2000), 1.6e6));
  assert(near(e.estimate(t + 2500), 1.6e6));
  assert(near(e.estimate(t + 5000), 10e6 * 0.4 ** 5), "skipped intervals count as empty");
});

Deno.test("an increase is taken at once", () => {
  const e = new BitrateEstimator();
  let t = feed(e, 0, 2, 3e6);
  t = feed(e, t, 1, 12e6);
  assert(near(e.estimate(t), 12e6));
  t = feed(e, t, 1, 6e6);
  assert(near(e.estimate(t), 12e6 - 0.6 * 6e6));
});

Deno.test("custom interval and decay", () => {
  const e = new BitrateEstimator({ intervalMs: 100, decay: 0.5 });
  e.record(0, 1000); // 8000 bits in 100 ms = 80 kbit/s
  assertEquals(e.estimate(100), 80_000);
  assertEquals(e.estimate(200), 40_000);
});

Deno.test("misuse is refused", () => {
  assertThrows(() => new BitrateEstimator({ intervalMs: 0 }), RangeError);
  assertThrows(() => new BitrateEstimator({ decay: 1.5 }), RangeError);
  assertThrows(() => new BitrateEstimator({ initialBps: -1 }), RangeError);
  const e = new BitrateEstimator();
  e.record(10, 1);
  assertThrows(() => e.record(9, 1), RangeError);
  assertThrows(() => e.record(11, -1), RangeError);
});
