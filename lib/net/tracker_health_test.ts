import { assert, assertEquals } from "../testing.ts";
import { RETRY_MS, TrackerHealth } from "./tracker_health.ts";

Deno.test("tracker health: an outage is said once when it starts and once when it ends", () => {
  const h = new TrackerHealth();
  assertEquals(h.ok(0), undefined, "nothing to say while it answers");
  const start = h.failed(1000, "tracker unreachable: fetch failed", 15_000);
  assert(start?.startsWith("tracker unreachable: fetch failed: streaming on"), start);
  assert(start!.includes("every 5 s"), start);
  for (let t = 6000; t < 60_000; t += 5000) {
    assertEquals(h.failed(t, "tracker unreachable: fetch failed", 15_000), undefined);
  }
  assertEquals(h.ok(61_000), "the tracker answers again, after 60.0 s");
  assertEquals(h.ok(62_000), undefined);
  assert(h.failed(70_000, "again", 15_000) !== undefined, "a new outage is said again");
});

Deno.test("tracker health: announces come sooner while the tracker is down, never later", () => {
  const h = new TrackerHealth();
  assertEquals(h.nextInMs(15_000), 15_000);
  h.failed(0, "down", 15_000);
  assertEquals(h.nextInMs(15_000), RETRY_MS);
  assertEquals(h.nextInMs(2000), 2000, "an interval shorter than the retry is kept");
  h.ok(1);
  assertEquals(h.nextInMs(15_000), 15_000);
});
