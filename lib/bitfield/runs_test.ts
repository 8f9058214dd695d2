import fc from "fast-check";
import { assert, assertEquals, assertThrows } from "../testing.ts";
import { BitWriter } from "./bits.ts";
import { decodeRuns, eliasGammaLength, encodeRuns } from "./runs.ts";

Deno.test("eliasGammaLength is 2⌊log2 n⌋ + 1", () => {
  assertEquals([1, 2, 3, 4, 7, 8, 255, 256].map(eliasGammaLength), [1, 3, 3, 5, 5, 7, 15, 17]);
  assertEquals(eliasGammaLength(2 ** 53 - 1), 105);
  assertThrows(() => eliasGammaLength(0), RangeError);
  assertThrows(() => eliasGammaLength(1.5), RangeError);
});

Deno.test("the documented worked example encodes bit for bit", () => {
  // 111 0 1: 3 runs, first value 1, runs 3, 1, 1.
  // gamma(4)=00100, first=1, gamma(3)=011, gamma(1)=1, gamma(1)=1 -> 00100 1 011 1 1 + 00000
  assertEquals(Array.from(encodeRuns([true, true, true, false, true])), [0b00100101, 0b11100000]);
  assertEquals(Array.from(encodeRuns([])), [0b10000000]);
  assertEquals(decodeRuns(new Uint8Array([0b10000000]), 0), []);
});

Deno.test("200 set bits encode in a few bytes", () => {
  const bytes = encodeRuns(new Array(200).fill(true));
  // gamma(2) + first bit + gamma(200) = 3 + 1 + 15 bits = 3 bytes.
  assertEquals(bytes.length, 3);
  assertEquals(decodeRuns(bytes, 200), new Array(200).fill(true));
});

Deno.test("random, alternating and clustered bits round-trip", () => {
  const alternating = Array.from({ length: 301 }, (_, i) => i % 2 === 0);
  assertEquals(decodeRuns(encodeRuns(alternating), 301), alternating);
  const clustered = fc.array(
    fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 40 })).map(([b, n]) => new Array(n).fill(b)),
    { maxLength: 30 },
  ).map((chunks) => chunks.flat() as boolean[]);
  fc.assert(
    fc.property(fc.oneof(fc.array(fc.boolean(), { maxLength: 600 }), clustered), (bits) => {
      const bytes = encodeRuns(bits);
      assertEquals(decodeRuns(bytes, bits.length), bits);
      // Not one byte more than the bits need.
      assert(bytes.length === Math.ceil(bitLength(bits) / 8));
    }),
    { numRuns: 1000 },
  );
});

Deno.test("corrupt bytes give an error, never a throw, and never more than maxBits", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(5000), (bytes, maxBits) => {
      const r = decodeRuns(bytes, maxBits);
      if (Array.isArray(r)) {
        assert(r.length <= maxBits);
        assertEquals(encodeRuns(r), bytes); // whatever decodes is the canonical encoding
      } else assert(r.error.startsWith("bitfield:"));
    }),
    { numRuns: 3000 },
  );
});

Deno.test("decodeRuns names what is wrong", () => {
  const bits = [true, false, false, true];
  const good = encodeRuns(bits); // runs 1,2,1: 00100 1 1 010 1 + 00000 = 2 bytes
  const err = (b: Uint8Array, max = 100) => {
    const r = decodeRuns(b, max);
    return Array.isArray(r) ? "decoded" : r.error;
  };
  assertEquals(err(new Uint8Array(0)), "bitfield: empty");
  assertEquals(
    err(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0])),
    "bitfield: truncated or oversized run count",
  );
  assertEquals(err(good.subarray(0, 1)), "bitfield: truncated or oversized run");
  assertEquals(err(new Uint8Array([...good, 0])), "bitfield: trailing bytes");
  assertEquals(err(new Uint8Array([good[0], good[1] | 1])), "bitfield: non-zero padding");
  assertEquals(err(good, 3), "bitfield: longer than 3 bits");
  assertEquals(err(good, 2), "bitfield: 3 runs exceed 2 bits");
  // One run claiming 2^40 bits is refused before any is materialised.
  const w = new BitWriter();
  w.gamma(2);
  w.bit(1);
  w.gamma(2 ** 40);
  assertEquals(err(w.bytes(), 5000), "bitfield: longer than 5000 bits");
  // 53 leading zeros would code a number above 2^53 - 1.
  assertEquals(
    err(new Uint8Array([0b01010000, 0, 0, 0, 0, 0, 0, 0, 0xff])),
    "bitfield: truncated or oversized run",
  );
  assertThrows(() => decodeRuns(good, -1), RangeError);
});

function bitLength(bits: readonly boolean[]): number {
  let runs = 0, n = 0;
  for (let i = 0; i < bits.length;) {
    let j = i + 1;
    while (j < bits.length && bits[j] === bits[i]) j++;
    n += eliasGammaLength(j - i);
    runs++;
    i = j;
  }
  return eliasGammaLength(runs + 1) + (runs > 0 ? 1 : 0) + n;
}
