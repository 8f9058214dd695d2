import { assertEquals } from "../testing.ts";
import { RateMeter } from "./meter.ts";
import { newStats } from "./transport.ts";

Deno.test("RateMeter: kbit/s over the last period, both ways", () => {
  const m = new RateMeter();
  const s = newStats();
  m.sample(1000, s);
  assertEquals([m.kbpsIn, m.kbpsOut], [0, 0]);
  s.bytesIn += 250_000; // 2 Mbit in one second
  s.bytesOut += 125_000;
  m.sample(2000, s);
  assertEquals([m.kbpsIn, m.kbpsOut], [2000, 1000]);
  s.bytesIn += 125_000;
  m.sample(4000, s); // two seconds
  assertEquals([m.kbpsIn, m.kbpsOut], [500, 0]);
});
