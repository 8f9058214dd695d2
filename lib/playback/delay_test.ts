import { assert, assertEquals } from "../testing.ts";
import { Rng } from "../rand.ts";
import { PlayDelay } from "./delay.ts";

const range = { target: 3000, tolerance: 250, step: 0.05 };

Deno.test("due(q) is when the playhead t - delay(t) reaches q, in every regime", () => {
  const rng = new Rng(3);
  for (let n = 0; n < 2000; n++) {
    const t0 = rng.range(0, 1e6);
    const d0 = rng.range(0, 7000); // below, inside and above 2750..3250
    const d = new PlayDelay(range, t0, d0);
    const q = t0 - d0 + rng.range(0, 120000);
    const t = d.due(q);
    assert(t >= t0);
    assert(Math.abs(t - d.at(t) - q) < 1e-6, `t0 ${t0} d0 ${d0} q ${q}: ${t - d.at(t)}`);
  }
});

Deno.test("the delay moves at rateStep per ms toward the range and stops at its edge", () => {
  const low = new PlayDelay(range, 100, 2000);
  assertEquals(low.at(100 + 1000), 2050);
  assertEquals(low.rateAt(1100), 0.95);
  assertEquals(low.at(100 + 15000), 2750);
  assertEquals(low.rateAt(100 + 15000), 1);
  const high = new PlayDelay(range, 0, 4000);
  assertEquals(high.at(2000), 3900);
  assertEquals(high.rateAt(2000), 1.05);
  assertEquals(high.at(1e7), 3250);
  const inside = new PlayDelay(range, 0, 3100);
  assertEquals(inside.at(1e7), 3100);
  assertEquals(inside.due(5000), 8100);
});

Deno.test("a zero rateStep never drifts", () => {
  const d = new PlayDelay({ ...range, step: 0 }, 0, 500);
  assertEquals(d.at(1e9), 500);
  assertEquals(d.due(1000), 1500);
  assertEquals(d.rateAt(0), 1);
});

Deno.test("reset re-anchors; times before the anchor read as the anchor", () => {
  const d = new PlayDelay(range, 0, 1000);
  d.reset(5000, 4000);
  assertEquals(d.since, 5000);
  assertEquals(d.at(0), 4000);
  assertEquals(d.due(0), 5000);
});
