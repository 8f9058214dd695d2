import { assertEquals } from "../testing.ts";
import { LagMark } from "./lag_mark.ts";

Deno.test("LagMark answers the newest value noted at least lagMs ago", () => {
  const m = new LagMark(500);
  assertEquals(m.lagged(0), -Infinity);
  m.note(0, 10);
  m.note(100, 12);
  m.note(200, 11); // not a rise: ignored
  m.note(300, 20);
  assertEquals(m.lagged(499), -Infinity);
  assertEquals(m.lagged(500), 10);
  assertEquals(m.lagged(650), 12);
  assertEquals(m.lagged(700), 12);
  assertEquals(m.lagged(800), 20);
  assertEquals(m.lagged(5000), 20);
});
