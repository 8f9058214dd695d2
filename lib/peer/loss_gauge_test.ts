import { assert, assertEquals, assertThrows } from "../testing.ts";
import { Rng } from "../rand.ts";
import { LossGauge } from "./loss_gauge.ts";

/** The gauge after `n` datagrams of which each was lost with chance `p`. */
function gaugeAt(p: number, n: number, seed = 1): LossGauge {
  const g = new LossGauge();
  const rng = new Rng(seed);
  let gap = 0;
  for (let i = 0; i < n; i++) {
    if (rng.chance(p)) gap++;
    else (g.note(gap), gap = 0);
  }
  return g;
}

Deno.test("LossGauge: no gaps read 0; its rate follows the share lost", () => {
  assertEquals(gaugeAt(0, 5000).rate, 0);
  const one = gaugeAt(0.01, 20_000).rate, five = gaugeAt(0.05, 20_000).rate;
  assert(one > 0.005 && one < 0.015, `1 %: ${one}`);
  assert(five > 0.035 && five < 0.065, `5 %: ${five}`);
});

Deno.test("LossGauge: tells 1 % loss from 2 % at the 1.5 % mark on most seeds", () => {
  let low = 0, high = 0;
  for (let seed = 1; seed <= 20; seed++) {
    if (gaugeAt(0.01, 10_000, seed).rate < 0.015) low++;
    if (gaugeAt(0.02, 10_000, seed).rate > 0.015) high++;
  }
  assert(low >= 18 && high >= 17, `1 %: ${low}/20 below, 2 %: ${high}/20 above`);
});

Deno.test("LossGauge: forgets a burst of loss, and a huge gap is one capped event", () => {
  const g = new LossGauge();
  g.note(10_000);
  const after = g.rate;
  assert(after > 0.05 && after < 0.07, `${after}`); // 64 losses of weight 1/1024
  for (let i = 0; i < 5000; i++) g.note(0);
  assert(g.rate < 0.001, `${g.rate}`);
  assertThrows(() => new LossGauge(0), RangeError);
});
