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
