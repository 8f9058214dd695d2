import { assertEquals } from "../testing.ts";
import { RepairTracker } from "./repair.ts";

const opts = { clubs: 4, graceMs: 50, retryMs: 200, maxTries: 3, maxMissing: 100 };

Deno.test("a gap in one club's numbers becomes a want after the grace", () => {
  const r = new RepairTracker(opts);
  const held = new Set<number>([1]);
  r.arrived(0, 1, (s) => held.has(s), 0);
  r.arrived(10, 13, (s) => held.has(s), 0); // 5 and 9 of club 1 are missing
  assertEquals(r.missing, 2);
  assertEquals(r.due(40, 0), []);
  assertEquals(r.due(60, 0).map((d) => d.seq), [5, 9]);
  assertEquals(r.due(100, 0), [], "not again before retryMs");
  r.arrived(120, 5, (s) => held.has(s), 0);
  assertEquals(r.due(300, 0).map((d) => [d.seq, d.tries]), [[9, 1]]);
});

Deno.test("gives up after maxTries and below the playable floor", () => {
  const r = new RepairTracker(opts);
  r.arrived(0, 0, () => false, 0);
  r.arrived(0, 8, () => false, 0); // 4 missing
  r.arrived(0, 2, () => false, 0);
  r.arrived(0, 10, () => false, 0); // 6 missing
  let asked = 0;
  for (let t = 100; t < 2000; t += 100) asked += r.due(t, 0).filter((d) => d.seq === 4).length;
  assertEquals(asked, 3);
  assertEquals(r.isMissing(6), false, "6 was asked 3 times too");
  assertEquals(r.abandoned, 2);
  const r2 = new RepairTracker(opts);
  r2.arrived(0, 0, () => false, 0);
  r2.arrived(0, 8, () => false, 0);
  assertEquals(r2.due(100, 5), [], "4 is below the floor");
  assertEquals(r2.missing, 0);
});

Deno.test("blocks already held or reordered late are not wanted", () => {
  const r = new RepairTracker(opts);
  r.arrived(0, 3, () => false, 0);
  r.arrived(0, 11, (s) => s === 7, 0);
  assertEquals(r.missing, 0);
  r.arrived(0, 3, () => true, 0); // an old one again: no change
  assertEquals(r.missing, 0);
});

Deno.test("a counter gap on a link that carries every block makes the hole due at once", () => {
  const r = new RepairTracker(opts);
  r.arrived(0, 1, () => false, 0);
  r.arrived(10, 9, () => false, 0, true); // 5 lost on the link
  assertEquals(r.due(10, 0).map((d) => d.seq), [5]);
});
