import { assert, assertEquals } from "../lib/testing.ts";
import { Rng } from "../lib/rand.ts";
import { SimTracker } from "./sim_tracker.ts";

Deno.test("samples are random, bounded, distinct and never the asker", () => {
  const t = new SimTracker(12, new Rng(1));
  for (let i = 0; i < 200; i++) t.add(`p${i}`, [i % 12, (i + 1) % 12]);
  const s = t.sample("p3", 50);
  assertEquals(s.length, 50);
  assertEquals(new Set(s.map((x) => x.addr)).size, 50);
  assert(!s.some((x) => x.addr === "p3"));
  const s2 = t.sample("p3", 50);
  assert(s2.map((x) => x.addr).join() !== s.map((x) => x.addr).join(), "not the first N keys");
  t.remove("p7");
  assertEquals(t.sample("p0", 500).length, 198);
});
