import { blake2s } from "@noble/hashes/blake2.js";
import { assertEquals, assertThrows } from "../testing.ts";
import { KeyedBlake2s } from "./keyed_blake2s.ts";

Deno.test("KeyedBlake2s gives @noble/hashes' keyed blake2s, for any key, input and length", () => {
  let x = 3;
  const byte = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  const bytes = (n: number) => Uint8Array.from({ length: n }, byte);
  for (const keyLen of [1, 7, 31, 32]) {
    for (const outLen of [1, 8, 20, 32]) {
      const key = bytes(keyLen);
      const h = new KeyedBlake2s(key, outLen);
      // Empty, short, one block exactly, just over, several blocks.
      for (const n of [0, 1, 5, 40, 63, 64, 65, 127, 128, 129, 300]) {
        const input = bytes(n);
        assertEquals(
          h.hash(input),
          blake2s(input, { key, dkLen: outLen }),
          `${keyLen} ${outLen} ${n}`,
        );
      }
    }
  }
  // Into a caller's buffer, over and over with the same hasher.
  const key = bytes(32), h = new KeyedBlake2s(key, 8), out = new Uint8Array(8);
  for (let i = 0; i < 50; i++) {
    const input = bytes(i % 9);
    assertEquals(h.hash(input, out), blake2s(input, { key, dkLen: 8 }));
  }
});

Deno.test("KeyedBlake2s refuses keys and output lengths outside 1-32 bytes", () => {
  assertThrows(() => new KeyedBlake2s(new Uint8Array(0), 8), RangeError);
  assertThrows(() => new KeyedBlake2s(new Uint8Array(33), 8), RangeError);
  assertThrows(() => new KeyedBlake2s(new Uint8Array(8), 0), RangeError);
  assertThrows(() => new KeyedBlake2s(new Uint8Array(8), 33), RangeError);
});
