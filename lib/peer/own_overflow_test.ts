import { assertEquals, assertThrows } from "../testing.ts";
import { OwnOverflow } from "./own_overflow.ts";

Deno.test("own drops explain gaps up to their number, for holdMs", () => {
  const o = new OwnOverflow(500);
  assertEquals(o.available(0), 0);
  o.note(100, 30);
  assertEquals(o.available(100), 30);
  o.use(12);
  assertEquals(o.available(400), 18);
  o.use(50); // more than is left: only what is left is used
  assertEquals([o.available(400), o.excused, o.dropped], [0, 30, 30]);
  o.note(1000, 10);
  o.note(1200, 5); // held together while the first is still fresh
  assertEquals(o.available(1600), 15);
  // Past holdMs after the last drop nothing is explained any more.
  assertEquals(o.available(1701), 0);
  o.note(1800, 4); // and the stale ones are not brought back
  assertEquals(o.available(1800), 4);
  assertEquals([o.droppedAfter(1799), o.droppedAfter(1800)], [true, false]);
  assertEquals(new OwnOverflow().droppedAfter(-1e9), false);
});

Deno.test("own drops: nonsense counts are ignored, a bad hold refused", () => {
  const o = new OwnOverflow();
  o.note(0, -5);
  o.note(0, NaN);
  o.note(0, Infinity);
  assertEquals([o.available(0), o.dropped], [0, 0]);
  o.use(-3);
  assertEquals(o.excused, 0);
  assertThrows(() => new OwnOverflow(-1), RangeError);
});
