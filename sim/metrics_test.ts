import { assertEquals } from "../lib/testing.ts";
import { BlockBytesSeries, DeliverySeries, MsHistogram, RunCounters } from "./metrics.ts";

Deno.test("histogram quantiles", () => {
  const h = new MsHistogram(1000);
  for (let i = 1; i <= 100; i++) h.add(i);
  assertEquals(h.quantile(0.5), 50);
  assertEquals(h.quantile(0.99), 99);
  assertEquals(h.quantile(1), 100);
  assertEquals(h.max, 100);
  h.add(5000);
  assertEquals(h.quantile(1), 1000, "overflow piles up in the last bucket");
});

Deno.test("counters split block bytes from the rest", () => {
  const c = new RunCounters();
  c.sent("block", 1000, true);
  c.sent("have", 10, false);
  c.sent("pong", 30, true);
  c.sent("block", 500, true, true);
  c.sent("block", 700, false, true);
  assertEquals(c.split(), { block: 2200, control: 40 });
  assertEquals(c.sourceSentBytes, 1530);
  // The source's bytes by type, its repairs apart; nobody else's.
  assertEquals(c.sourceSentByType, { block: 1000, pong: 30, "block (repair)": 500 });
});

Deno.test("the delivery series counts each second of playhead time, survivors apart", () => {
  const s = new DeliverySeries();
  s.add(100, true, true);
  s.add(900, false, false);
  s.add(2500, true, false);
  s.add(2600, false, true);
  assertEquals(s.delivery(), [0.5, null, 0.5]);
  assertEquals(s.delivery(true), [1, null, 0]);
});

Deno.test("the block bytes series splits useful from redundant bytes by second of arrival", () => {
  const s = new BlockBytesSeries();
  s.add(100, 1000, false);
  s.add(900, 50, true);
  s.add(2500, 10, true);
  assertEquals(s.duplicateRatio(), [0.05, null, null]);
  s.add(2999, 100, false);
  assertEquals(s.duplicateRatio(), [0.05, null, 0.1]);
});

Deno.test("counters of two parts of a run add up to the whole", () => {
  const whole = new RunCounters(), a = new RunCounters(), b = new RunCounters();
  for (const [c, ms, at] of [[a, 10, 100], [b, 30, 1500], [a, 20, 2500]] as const) {
    for (const x of [c, whole]) {
      x.latency.add(ms);
      x.series.add(at, ms < 25, true);
      x.blockSeries.add(at, ms * 10, ms > 25);
      x.sent("have", ms, false);
      x.played++;
    }
  }
  b.sent("pong", 5, false);
  whole.sent("pong", 5, false);
  for (const x of [b, whole]) x.sent("block", 9, true, true);
  const sum = new RunCounters();
  sum.absorb(a.snapshot());
  sum.absorb(b.snapshot());
  assertEquals(sum.snapshot(), whole.snapshot());
  assertEquals(sum.latency.quantile(0.5), 20);
});
