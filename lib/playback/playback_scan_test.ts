import { assert, assertEquals } from "../testing.ts";
import { drive, feed, live, playback, ticks } from "./test_helpers.ts";

// A burst of loss leaves a long run of missing seqs ahead of the cursor. Every block that
// arrives behind it, and every advance, asks for the next buffered seq: the run must be
// walked once, not once per ask (at a relay's rates that walk took most of its CPU).
Deno.test("a long run of missing seqs is walked once, not once per arrival", () => {
  const pb = playback({ toleranceMs: 5000 });
  const gap = 3000;
  const arrivals = [...feed(0, 19), ...feed(20 + gap, 20 + gap + 60)];
  const end = live(20 + gap + 60).at + 4000;
  const es = drive(pb, arrivals, ticks(0, end, 50), end);
  const skipped = es.filter((e) => e.type === "skip").map((e) => e.seq);
  const played = es.filter((e) => e.type === "play").map((e) => e.seq);
  assertEquals(skipped.length, gap);
  assertEquals(skipped[0], 20);
  assertEquals(played.length, 20 + 61);
  // Some 30 arrivals and 60 advances come while the run is ahead of the cursor: walked for
  // each of them, as until session 12, it took 93,000 steps.
  assert(pb.scanSteps < 2 * gap, `${pb.scanSteps} steps`);
});

Deno.test("the next buffered seq is found again after blocks arrive inside the run", () => {
  const pb = playback({ toleranceMs: 5000 });
  // 20..29 lost; 25 comes late (a repair), before its deadline.
  const arrivals = [...feed(0, 19), ...feed(30, 60), live(25, 400)];
  const end = live(60).at + 4000;
  const es = drive(pb, arrivals, ticks(0, end, 50), end);
  const skipped = es.filter((e) => e.type === "skip").map((e) => e.seq);
  const played = es.filter((e) => e.type === "play").map((e) => e.seq);
  assertEquals(skipped, [20, 21, 22, 23, 24, 26, 27, 28, 29]);
  assert(played.includes(25), "the repaired block plays");
  assertEquals(played.filter((s) => s >= 30).length, 31);
});
