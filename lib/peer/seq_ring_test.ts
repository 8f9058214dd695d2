import { assertEquals, assertThrows } from "../testing.ts";
import { Rng } from "../rand.ts";
import { SeqRing } from "./seq_ring.ts";

/** The plain ring SeqRing stands for: one float per slot. */
class Model {
  readonly slots: Float64Array;
  constructor(size: number) {
    this.slots = new Float64Array(size).fill(-1);
  }
  add(seq: number): void {
    this.slots[seq % this.slots.length] = seq;
  }
  has(seq: number): boolean {
    return this.slots[seq % this.slots.length] === seq;
  }
}

Deno.test("seq ring: remembers the newest seq of each slot, like one float per slot", () => {
  for (const size of [1, 7, 64, 4097]) {
    const ring = new SeqRing(size), model = new Model(size);
    const r = new Rng(size);
    for (let k = 0; k < 20_000; k++) {
      const seq = r.int(size * 50);
      if (r.chance(0.5)) {
        ring.add(seq);
        model.add(seq);
      }
      const probe = r.int(size * 50);
      assertEquals(ring.has(probe), model.has(probe), `size ${size} seq ${probe}`);
      if (ring.has(probe)) assertEquals(ring.slot(probe), probe % size);
    }
  }
});

Deno.test("seq ring: odd numbers are never remembered; huge ones widen the ring", () => {
  const ring = new SeqRing(16);
  for (const bad of [-1, 2.5, NaN, Infinity]) {
    assertEquals(ring.claim(bad), -1);
    assertEquals(ring.has(bad), false);
  }
  ring.add(3);
  ring.add(16 * 70_000 + 5); // lap past 16 bits
  ring.add(2 ** 60);
  assertEquals([ring.has(3), ring.has(16 * 70_000 + 5), ring.has(2 ** 60)], [true, true, true]);
  assertEquals([ring.has(5), ring.has(19), ring.has(0)], [false, false, false]);
  ring.clearSlot(3);
  assertEquals(ring.has(3), false);
  assertThrows(() => new SeqRing(0), RangeError);
});
