import { assertEquals } from "../testing.ts";
import { Rng } from "../rand.ts";
import { HELD, MARK, MAX_RING, NONE, SeqSlots } from "./seq_slots.ts";

interface Ref {
  state: number;
  srcTime: number;
  arrival: number;
  payload?: Uint8Array;
}

/** Drives SeqSlots and a Map side by side with random operations on seqs around `base`. */
function against(spread: number, ops: number, seed: number): void {
  const slots = new SeqSlots(4);
  const ref = new Map<number, Ref>();
  const r = new Rng(seed);
  const base = 1_000_000;
  for (let k = 0; k < ops; k++) {
    const seq = base + r.int(spread);
    const roll = r.next();
    const had = ref.get(seq)?.state ?? NONE;
    assertEquals(slots.state(seq), had);
    if (roll < 0.45 && had === NONE) {
      const p = new Uint8Array([k & 0xff]);
      slots.hold(seq, k * 2, k * 3, p);
      ref.set(seq, { state: HELD, srcTime: k * 2, arrival: k * 3, payload: p });
    } else if (roll < 0.6 && had === NONE) {
      slots.mark(seq);
      ref.set(seq, { state: MARK, srcTime: 0, arrival: 0 });
    } else {
      assertEquals(slots.clear(seq), had);
      ref.delete(seq);
    }
    if (k % 97 === 0) {
      for (const [s, e] of ref) {
        assertEquals(slots.state(s), e.state);
        if (e.state === HELD) {
          assertEquals([slots.srcTime(s), slots.arrival(s)], [e.srcTime, e.arrival]);
          assertEquals(slots.payload(s), e.payload);
        }
      }
      const held = [...ref].filter(([, e]) => e.state === HELD).map(([s]) => s);
      const marks = [...ref].filter(([, e]) => e.state === MARK).map(([s]) => s);
      assertEquals(slots.seqs(HELD).sort(), held.sort());
      assertEquals(slots.seqs(MARK).sort(), marks.sort());
      assertEquals([slots.held, slots.marks], [held.length, marks.length]);
    }
  }
}

Deno.test("seq slots: behave as a map while the ring grows", () => against(3000, 20_000, 1));

Deno.test("seq slots: fall back to a map when live seqs are too far apart", () => {
  against(MAX_RING * 4, 3000, 2);
  const s = new SeqSlots();
  s.hold(0, 1, 2, new Uint8Array(1));
  s.mark(10 * MAX_RING);
  s.hold(3 * MAX_RING + 5, 7, 8, new Uint8Array(2));
  assertEquals([s.state(0), s.state(10 * MAX_RING), s.srcTime(3 * MAX_RING + 5)], [HELD, MARK, 7]);
  assertEquals(s.clear(0), HELD);
  assertEquals([s.state(0), s.held, s.marks], [NONE, 1, 1]);
});
