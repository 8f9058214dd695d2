import { assert, assertEquals } from "../testing.ts";
import { COUNTER_WINDOW, countOf, plausibleCount, wireCounter } from "./conn_counter.ts";

Deno.test("conn counter: the wire number round-trips to the count, across 2^32", () => {
  for (const secret of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 123_456_789_012]) {
    for (const count of [1, 2, 4095, 2 ** 31, 2 ** 32 - 1]) {
      const n = wireCounter(secret, count);
      assert(n >= 0 && n < 2 ** 32 && Number.isInteger(n), `${secret} ${count} -> ${n}`);
      assertEquals(countOf(secret, n), count);
    }
  }
});

Deno.test("conn counter: another secret reads the same wire number as a far count", () => {
  const n = wireCounter(0x9e3779b97f4a, 10);
  const misread = countOf(0x1234567, n);
  assert(!plausibleCount(misread, 10), `misread as ${misread}`);
});

Deno.test("conn counter: counts near the newest are plausible, far and zero ones not", () => {
  assert(plausibleCount(1, 0));
  assert(plausibleCount(COUNTER_WINDOW, 0));
  assert(!plausibleCount(COUNTER_WINDOW + 1, 0));
  assert(!plausibleCount(0, 0));
  assert(plausibleCount(10_000 - COUNTER_WINDOW, 10_000)); // reordered, late
  assert(!plausibleCount(10_000 - COUNTER_WINDOW - 1, 10_000));
  assert(plausibleCount(10_000 + COUNTER_WINDOW, 10_000));
  assert(!plausibleCount(2 ** 32 - 1, 10_000));
});

Deno.test("conn counter: a jump the own socket's drops explain is plausible, no further", () => {
  assert(plausibleCount(10_000 + COUNTER_WINDOW + 500, 10_000, 500));
  assert(!plausibleCount(10_000 + COUNTER_WINDOW + 501, 10_000, 500));
  // Only ahead: drops explain no count from long ago.
  assert(!plausibleCount(10_000 - COUNTER_WINDOW - 1, 10_000, 500));
  assert(!plausibleCount(10_000 + COUNTER_WINDOW + 1, 10_000, -5));
});
