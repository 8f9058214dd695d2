import { assertEquals } from "../../lib/testing.ts";
import { peak, perCpuSecond, rampRates, refineRates, saturated, type TrialResult } from "./ramp.ts";

const t = (offered: number, delivered: number): TrialResult => ({
  offered,
  sent: offered,
  delivered,
  fwdCpuPct: null,
  genCpuPct: 0,
});

Deno.test("rampRates is geometric and includes the top", () => {
  assertEquals(rampRates(1000, 2, 8000), [1000, 2000, 4000, 8000]);
  assertEquals(rampRates(1000, 1.5, 3000), [1000, 1500, 2250]);
});

Deno.test("saturated after two short trials in a row, peak is the most delivered", () => {
  const trials = [t(1000, 1000), t(2000, 1990), t(4000, 3000)];
  assertEquals(saturated(trials), false);
  trials.push(t(8000, 2500));
  assertEquals(saturated(trials), true);
  assertEquals(peak(trials)?.delivered, 3000);
  assertEquals(peak([]), undefined);
});

Deno.test("perCpuSecond divides what was delivered by the forwarder's CPU share", () => {
  assertEquals(perCpuSecond({ ...t(1000, 1000), fwdCpuPct: 25 }), 4000);
  assertEquals(perCpuSecond(t(1000, 1000)), null);
  assertEquals(perCpuSecond(undefined), null);
});

Deno.test("refineRates splits the step above the best rate geometrically, ends excluded", () => {
  assertEquals(refineRates(1000, 2, 3), [1189, 1414, 1682]);
  assertEquals(refineRates(71_054, 1.25, 3), [75_130, 79_441, 83_998]);
  assertEquals(refineRates(1000, 2, 0), []);
});
