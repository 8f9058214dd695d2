/**
 * Property tests of the bitfield decoders against hostile input, beyond bitfield_test.ts and
 * runs_test.ts (round trips, arbitrary bytes): valid bitfields mutated bit by bit, cut and
 * extended; extreme bases; bitfields arriving inside mutated "connect" datagrams.
 */
import fc from "fast-check";
import { assert, assertEquals } from "../testing.ts";
import { decodeBitfield, makeBitfield, MAX_BITFIELD_BITS } from "./bitfield.ts";
import { decodeRuns, encodeRuns } from "./runs.ts";
import { decodeDatagram, encodeDatagram } from "../wire/codec.ts";
import { MAX_BITFIELD_BYTES } from "../wire/budget.ts";

const arbBits = fc.array(fc.boolean(), { maxLength: 600 });
const mutation = fc.record({
  op: fc.constantFrom("flip", "cut", "extend", "set"),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(bytes: Uint8Array, ms: readonly { op: string; at: number; byte: number }[]) {
  const b = Array.from(bytes);
  for (const { op, at, byte } of ms) {
    if (op === "flip" && b.length > 0) b[at % b.length] ^= 1 << (byte & 7);
    if (op === "set" && b.length > 0) b[at % b.length] = byte;
    if (op === "cut") b.length = at % (b.length + 1);
    if (op === "extend") b.push(byte);
  }
  return Uint8Array.from(b);
}

Deno.test("prop: a mutated run-length field is an error or a canonical field within maxBits", () => {
  fc.assert(
    fc.property(arbBits, fc.array(mutation, { minLength: 1, maxLength: 4 }), (bits, ms) => {
      const bytes = mutate(encodeRuns(bits), ms);
      const maxBits = bits.length;
      const r = decodeRuns(bytes, maxBits);
      if (!Array.isArray(r)) return assert(r.error.startsWith("bitfield:"));
      assert(r.length <= maxBits);
      // Whatever decodes is the one encoding of what it decodes to.
      assertEquals(Array.from(encodeRuns(r)), Array.from(bytes));
    }),
    { numRuns: 3000 },
  );
});

Deno.test("prop: has() on any decoded bitfield answers only for its own club's seqs", () => {
  const base = fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER), fc.nat(2 ** 52));
  const seq = fc.oneof(fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER));
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      base,
      fc.integer({ min: 1, max: 1000 }),
      fc.array(seq, { maxLength: 20 }),
      (bits, b, clubs, seqs) => {
        const d = decodeBitfield({ base: b, bits }, clubs);
        if ("error" in d) return;
        for (const s of seqs) {
          if (!d.has(s)) continue;
          const i = (s - b) / clubs;
          assert(Number.isInteger(i) && i >= 0 && d.bits[i] === true, `has(${s})`);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("prop: a bitfield inside a mutated connect datagram never throws", () => {
  fc.assert(
    fc.property(
      arbBits.filter((b) => b.length <= MAX_BITFIELD_BITS),
      fc.nat(2 ** 40),
      fc.integer({ min: 2, max: 64 }),
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
      (bits, base, clubs, ms) => {
        const have = makeBitfield((s) => bits[(s - base) / clubs] === true, base, clubs, 600);
        const msg = { t: "connect", club: 1, dir: "down", clubs: [1], have, cookie: 0 } as const;
        const r = decodeDatagram(mutate(encodeDatagram(7, msg), ms));
        if (!r.ok || r.msg.t !== "connect" || r.msg.have === null) return;
        assert(r.msg.have.bits.length <= MAX_BITFIELD_BYTES);
        const d = decodeBitfield(r.msg.have, clubs);
        if (!("error" in d)) assert(d.bits.length <= MAX_BITFIELD_BITS);
      },
    ),
    { numRuns: 2000 },
  );
});
