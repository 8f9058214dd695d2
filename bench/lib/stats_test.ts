import { assertEquals } from "../../lib/testing.ts";
import { median, meets, percentile, ratio, round } from "./stats.ts";

Deno.test("percentile is nearest-rank", () => {
  const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assertEquals(percentile(s, 0.5), 5);
  assertEquals(percentile(s, 0.99), 10);
  assertEquals(percentile(s, 0), 1);
  assertEquals(Number.isNaN(percentile([], 0.5)), true);
});

Deno.test("median of odd and even counts, unsorted input", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertEquals(Number.isNaN(median([])), true);
});

Deno.test("ratio refuses missing or non-positive divisors", () => {
  assertEquals(ratio(7, 10), 0.7);
  assertEquals(ratio(2, 3), 0.667);
  assertEquals(ratio(1, 0), null);
  assertEquals(ratio(null, 3), null);
  assertEquals(ratio(1, NaN), null);
  assertEquals(round(1.23456, 2), 1.23);
});

Deno.test("meets: at least, at most, and null never passes", () => {
  assertEquals(meets(0.7, 0.7), true);
  assertEquals(meets(0.69, 0.7), false);
  assertEquals(meets(2.9, 3, true), true);
  assertEquals(meets(3.1, 3, true), false);
  assertEquals(meets(null, 0), false);
});
