import { assertEquals, assertThrows } from "../lib/testing.ts";
import { duration, ProgressLine, progressText } from "./progress.ts";

Deno.test("a progress line comes only after everyMs of wall time, then again after as long", () => {
  let t = 1000;
  const lines: string[] = [];
  const p = new ProgressLine({ now: () => t, write: (s) => lines.push(s) }, 10_000);
  t = 9_000;
  p.update(2_000, 40_000);
  assertEquals(lines, [], "8 s in: nothing yet");
  t = 11_000;
  p.update(10_000, 40_000);
  assertEquals(lines, [
    "sim: 10.0 of 40.0 simulated seconds (25 %), 10 s so far, about 30 s left",
  ]);
  t = 20_000;
  p.update(20_000, 40_000);
  assertEquals(lines.length, 1, "9 s after the last line");
  t = 21_000;
  p.update(30_000, 40_000);
  assertEquals(lines[1], "sim: 30.0 of 40.0 simulated seconds (75 %), 20 s so far, about 7 s left");
});

Deno.test("progress text: no guess before any progress, none past the end", () => {
  assertEquals(
    progressText(0, 130_000, 5_000),
    "sim: 0.0 of 130.0 simulated seconds (0 %), 5 s so far",
  );
  assertEquals(
    progressText(130_020, 130_000, 3_725_000),
    "sim: 130.0 of 130.0 simulated seconds (100 %), 1 h 2 min so far, about 0 s left",
  );
  assertThrows(() => new ProgressLine({ now: () => 0, write: () => {} }, 0), RangeError);
});

Deno.test("durations read as a person says them", () => {
  assertEquals(duration(400), "0 s");
  assertEquals(duration(59_400), "59 s");
  assertEquals(duration(185_000), "3 min 5 s");
  assertEquals(duration(3_600_000), "1 h 0 min");
});
