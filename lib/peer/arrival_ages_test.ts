import { assertEquals, assertThrows } from "../testing.ts";
import { ArrivalAges } from "./arrival_ages.ts";

Deno.test("arrival ages: no quantile from fewer than 16 ages", () => {
  const a = new ArrivalAges(0.8);
  for (let i = 0; i < 15; i++) a.add(100 + i);
  assertEquals(a.quantile, undefined);
  a.add(115);
  assertEquals(a.quantile, 112); // floor(0.8 * 16) = 12th of 100..115
});

Deno.test("arrival ages: the quantile follows the last 64, worked out every 8", () => {
  const a = new ArrivalAges(0.5);
  for (let i = 0; i < 64; i++) a.add(i);
  assertEquals(a.quantile, 32);
  for (let i = 0; i < 7; i++) a.add(1000);
  assertEquals(a.quantile, 32, "not yet worked out again");
  a.add(1000);
  assertEquals(a.quantile, 40, "the 8 oldest gave way to 8 newer"); // 8..63 and eight 1000s
});

Deno.test("arrival ages: a quantile outside (0, 1) is refused", () => {
  assertThrows(() => new ArrivalAges(0), RangeError);
  assertThrows(() => new ArrivalAges(1), RangeError);
});
