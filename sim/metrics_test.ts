import { assertEquals } from "../lib/testing.ts";
import { DeliverySeries, MsHistogram, RunCounters } from "./metrics.ts";

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
  assertEquals(c.split(), { block: 1000, control: 40 });
  assertEquals(c.sourceSentBytes, 1030);
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
