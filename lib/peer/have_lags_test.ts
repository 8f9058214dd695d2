import { assertEquals, assertThrows } from "../testing.ts";
import { HaveLags } from "./have_lags.ts";

Deno.test("HaveLags: the hold follows a high rank of the recent lags, not the odd outlier", () => {
  const h = new HaveLags(4, 2, 10);
  assertEquals(h.holdMs, 0);
  h.add(100);
  assertEquals(h.holdMs, 10, "one lag among zeros is not yet the rank");
  h.add(300);
  assertEquals(h.holdMs, 110);
  h.add(200);
  h.add(250);
  assertEquals(h.holdMs, 260, "of 100, 200, 250, 300: rank 2 is 250");
  h.add(50); // replaces the oldest, 100
  assertEquals(h.holdMs, 260);
  h.add(40);
  h.add(30); // 250, 50, 40, 30 remain
  assertEquals(h.holdMs, 60);
  assertThrows(() => new HaveLags(4, 4), RangeError);
});

Deno.test("HaveLags: the kept order gives the rank a sort of the last lags gives", () => {
  // Reference: the last `size` lags (zeros before), sorted as a typed array sorts.
  let x = 7;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  for (const [size, rank] of [[16, 13], [4, 0], [4, 3], [1, 0]]) {
    const h = new HaveLags(size, rank, 30);
    const last: number[] = new Array(size).fill(0);
    for (let k = 0; k < 2000; k++) {
      // Repeats, ties and the odd -0 and NaN, as well as ordinary lags.
      const r = next() % 40;
      const lag = r === 0 ? -0 : r === 1 ? NaN : r < 10 ? (next() % 5) * 10 : next() % 500;
      h.add(lag);
      last.push(lag);
      last.shift();
      const want = Float64Array.from(last).sort()[rank] + 30;
      assertEquals(h.holdMs, want, `step ${k}`);
    }
  }
});
