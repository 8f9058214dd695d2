import fc from "fast-check";
import { assert, assertEquals, assertThrows } from "../testing.ts";
import { decodeBitfield, makeBitfield, MAX_BITFIELD_BITS } from "./bitfield.ts";
import { encodeRuns } from "./runs.ts";
import { MAX_BITFIELD_BYTES } from "../wire/budget.ts";
import { decodeDatagram, encodeDatagram } from "../wire/codec.ts";

Deno.test("bit i of a club's bitfield is seq base + i * clubs", () => {
  const held = new Set([10, 26, 34]); // club 2 of 8: 10, 18, 26, 34, ...
  const bf = makeBitfield((s) => held.has(s), 10, 8, 50);
  const d = decodeBitfield(bf, 8);
  assert(!("error" in d));
  assertEquals(d.bits, [true, false, true, true]); // trailing unheld blocks left out
  assertEquals([10, 18, 26, 34, 42, 2, 11, 1000].map((s) => d.has(s)), [
    true,
    false,
    true,
    true,
    false,
    false,
    false,
    false,
  ]);
});

Deno.test("makeBitfield round-trips any held set", () => {
  fc.assert(
    fc.property(
      fc.array(fc.boolean(), { maxLength: 400 }),
      fc.nat(1e9),
      fc.integer({ min: 1, max: 64 }),
      (bits, base, clubs) => {
        const held = (s: number) => bits[(s - base) / clubs] === true;
        const d = decodeBitfield(makeBitfield(held, base, clubs, bits.length), clubs);
        assert(!("error" in d));
        for (let i = 0; i < bits.length; i++) assertEquals(d.has(base + i * clubs), bits[i]);
        assert(!d.has(base + bits.length * clubs));
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("MAX_BITFIELD_BITS is the largest count whose worst case fits 512 bytes", () => {
  // Runs of length 2 are the costliest: 3 bits of code per 2 bits of field.
  const pairs = (n: number) => Array.from({ length: n }, (_, i) => i % 4 >= 2);
  assertEquals(encodeRuns(pairs(MAX_BITFIELD_BITS)).length, MAX_BITFIELD_BYTES);
  assertEquals(encodeRuns(pairs(MAX_BITFIELD_BITS + 1)).length, MAX_BITFIELD_BYTES + 1);
  // Any mixture of short runs at the maximum count still fits, and so does its datagram.
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2000 }), (runs) => {
      const bits: boolean[] = [];
      for (let i = 0; bits.length < MAX_BITFIELD_BITS; i++) {
        for (let k = 0; k < runs[i % runs.length]; k++) bits.push(i % 2 === 0);
      }
      bits.length = MAX_BITFIELD_BITS;
      const bf = makeBitfield((s) => bits[s], 0, 1, MAX_BITFIELD_BITS);
      assert(bf.bits.length <= MAX_BITFIELD_BYTES);
      const max = 2 ** 32 - 1;
      const msg = {
        t: "connect",
        club: 65535,
        dir: "down",
        clubs: [65535],
        have: bf,
        cookie: 0,
      } as const;
      assert(decodeDatagram(encodeDatagram(max, msg)).ok);
    }),
    { numRuns: 50 },
  );
});

Deno.test("a hostile bitfield is an error, never a throw, never longer than maxBits", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat(), (bits, base) => {
      const d = decodeBitfield({ base, bits }, 8, 300);
      if ("error" in d) assert(d.error.length > 0);
      else assert(d.bits.length <= 300);
    }),
    { numRuns: 2000 },
  );
  // 200 held blocks take 3 bytes; capped at 100 they are refused.
  const bf = makeBitfield(() => true, 0, 4, 200);
  assertEquals(bf.bits.length, 3);
  assertEquals(decodeBitfield(bf, 4, 100), { error: "bitfield: longer than 100 bits" });
});

Deno.test("local misuse throws RangeError", () => {
  assertThrows(() => makeBitfield(() => true, -1, 8, 10), RangeError);
  assertThrows(() => makeBitfield(() => true, 0, 0, 10), RangeError);
  assertThrows(() => makeBitfield(() => true, 0, 8, MAX_BITFIELD_BITS + 1), RangeError);
  assertThrows(() => decodeBitfield({ base: 0, bits: new Uint8Array([0x80]) }, 0), RangeError);
});
