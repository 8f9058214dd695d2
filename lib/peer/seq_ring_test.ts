import { assertEquals, assertThrows } from "../testing.ts";
import { Rng } from "../rand.ts";
import { SeqRing, SeqSet } from "./seq_ring.ts";

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

Deno.test("seq set: answers exactly as a Set under random adds, deletes and drops", () => {
  for (const [window, spread] of [[64, 300], [256, 5000], [8192, 20_000]]) {
    const set = new SeqSet(window), model = new Set<number>();
    const r = new Rng(window);
    let top = 1000;
    for (let k = 0; k < 30_000; k++) {
      top += r.int(3);
      const seq = r.chance(0.05) ? r.int(top + 1) : Math.max(0, top - r.int(spread / 10));
      const roll = r.next();
      if (roll < 0.6) {
        set.add(seq);
        model.add(seq);
      } else if (roll < 0.9) assertEquals(set.delete(seq), model.delete(seq));
      else if (roll < 0.905) {
        const floor = top - r.int(spread);
        set.dropBelow(floor);
        for (const s of [...model]) if (s < floor) model.delete(s);
      }
      const probe = r.chance(0.5) ? seq : r.int(top + 50);
      assertEquals(set.has(probe), model.has(probe));
      assertEquals(set.size, model.size);
    }
    assertEquals([...set].sort((a, b) => a - b), [...model].sort((a, b) => a - b));
    for (const s of set) if (s % 2 === 0) set.delete(s); // deleting while iterating
    assertEquals(set.size, [...model].filter((s) => s % 2 === 1).length);
  }
});

Deno.test("seq set: odd members go to the plain set and still answer", () => {
  const set = new SeqSet(64);
  for (const x of [-1, 2.5, 2 ** 60, 10, 10]) set.add(x);
  assertEquals(set.size, 4);
  for (const x of [-1, 2.5, 2 ** 60, 10]) assertEquals(set.has(x), true);
  assertEquals(set.has(11), false);
  set.clear();
  assertEquals([set.size, set.has(10), set.has(-1)], [0, false, false]);
});
