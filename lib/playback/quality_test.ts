import { assert, assertEquals, assertThrows } from "../testing.ts";
import { QualityWindow } from "./quality.ts";
import { SeqHistory } from "./history.ts";

Deno.test("the quality window counts (now - window, now] and forgets the rest", () => {
  const q = new QualityWindow(1000);
  q.note("skip", 0);
  q.note("freeze", 500);
  q.note("skip", 999);
  assertEquals(q.counts(999), { skips: 2, freezes: 1 });
  assertEquals(q.counts(1000), { skips: 1, freezes: 1 });
  assertEquals(q.counts(1500), { skips: 1, freezes: 0 });
  assertEquals(q.size, 1);
  assertThrows(() => new QualityWindow(0), RangeError);
});

Deno.test("the quality window's memory is bounded by one window of events", () => {
  const q = new QualityWindow(100);
  let most = 0;
  for (let t = 0; t < 200000; t++) {
    q.note(t % 2 ? "skip" : "freeze", t);
    most = Math.max(most, q.size);
  }
  assert(most <= 101, `held ${most}`);
  assertEquals(q.counts(199999), { skips: 50, freezes: 50 });
});

Deno.test("the seq history ring keeps the latest fate per slot", () => {
  const h = new SeqHistory(8);
  for (let s = 0; s < 20; s++) h.mark(s, s % 3 === 0 ? "skipped" : "played");
  assertEquals(h.get(19), "played");
  assertEquals(h.get(18), "skipped");
  assertEquals(h.get(11), undefined, "overwritten by 19");
  assertEquals(h.get(25), undefined, "never seen");
  assertThrows(() => new SeqHistory(0), RangeError);
});
