import { assertEquals } from "../testing.ts";
import { ConnectTimeout } from "./connect_timeout.ts";

Deno.test("connect timeout: the fixed wait until an accept is timed, and with factor 0", () => {
  const t = new ConnectTimeout(4, 150, 500);
  assertEquals(t.waitMs, 500);
  const off = new ConnectTimeout(0, 150, 500);
  off.answered(10);
  assertEquals(off.waitMs, 500);
});

Deno.test("connect timeout: a multiple of the accept time, within its bounds", () => {
  const t = new ConnectTimeout(4, 150, 500);
  t.answered(10);
  assertEquals(t.waitMs, 150); // 40 ms, raised to the floor
  t.answered(60);
  assertEquals(t.waitMs, 240); // a slower answer counts at once
  t.answered(300);
  assertEquals(t.waitMs, 500); // never above the fixed wait
});

Deno.test("connect timeout: the estimate falls back slowly after slow answers", () => {
  const t = new ConnectTimeout(4, 0, 10_000);
  t.answered(100);
  t.answered(20);
  assertEquals(t.rttMs, 90); // 100 + (20 - 100) / 8
  for (let i = 0; i < 40; i++) t.answered(20);
  assertEquals(Math.round(t.rttMs), 20);
  t.answered(Number.NaN); // not a time: ignored
  t.answered(-5);
  assertEquals(Math.round(t.rttMs), 20);
});
