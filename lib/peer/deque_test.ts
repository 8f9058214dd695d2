import { assertEquals } from "../testing.ts";
import { Rng } from "../rand.ts";
import { Deque } from "./deque.ts";

Deno.test("deque: first in, first out, across growth and wrap-around", () => {
  const d = new Deque<number>();
  assertEquals([d.length, d.peek(), d.shift()], [0, undefined, undefined]);
  const model: number[] = [];
  const r = new Rng(9);
  let next = 0;
  for (let i = 0; i < 20_000; i++) {
    if (r.chance(0.55)) {
      d.push(next);
      model.push(next++);
    } else {
      assertEquals(d.peek(), model[0]);
      assertEquals(d.shift(), model.shift());
    }
    assertEquals(d.length, model.length);
  }
  while (model.length > 0) assertEquals(d.shift(), model.shift());
  assertEquals([d.length, d.peek(), d.shift()], [0, undefined, undefined]);
});
