import { assert, assertEquals, assertThrows } from "../testing.ts";
import { ByteArena } from "./arena.ts";

Deno.test("an arena never hands out a byte twice, across chunks", () => {
  const arena = new ByteArena(100);
  const taken: Uint8Array[] = [];
  for (let i = 0; i < 50; i++) {
    const n = (i * 7) % 40 + 1;
    if (i % 3 === 0) taken.push(arena.take(n).fill(i));
    else if (i % 3 === 1) {
      arena.reserve(50); // written in place, then kept through a view of one's own
      const mine = arena.chunk.subarray(arena.offset, arena.offset + n).fill(i);
      arena.keep(n);
      taken.push(mine);
    } else {
      const room = arena.room(60); // written in part, the rest given back
      room.fill(i);
      taken.push(arena.commit(n));
    }
  }
  taken.forEach((t, i) => assert(t.every((b) => b === i), `range ${i} was overwritten`));
  assertEquals(taken.map((t) => t.length), taken.map((_, i) => (i * 7) % 40 + 1));
});

Deno.test("a room larger than a chunk gets a chunk of its own", () => {
  const arena = new ByteArena(16);
  const a = arena.take(10);
  const big = arena.room(100);
  assertEquals(big.length, 100);
  assert(big.buffer !== a.buffer);
  assertEquals(arena.commit(100).length, 100);
  assertThrows(() => new ByteArena(0), RangeError);
});
