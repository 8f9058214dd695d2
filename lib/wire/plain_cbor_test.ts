import fc from "fast-check";
import { Decoder, Encoder } from "cbor-x";
import { assert, assertEquals } from "../testing.ts";
import { arbMsg, arbTag } from "./arbitraries.ts";
import { MAX_DATAGRAM } from "./budget.ts";
import { layout } from "./layout.ts";
import { NOT_PLAIN, readPlain, writePlain } from "./plain_cbor.ts";

// The codec's own cbor-x settings (cbor.ts): the reference both must agree with.
const encoder = new Encoder({ useRecords: false, tagUint8Array: false, structuredClone: false });
const decoder = new Decoder({ useRecords: false, int64AsNumber: true } as never);
const cborX = (v: unknown) => new Uint8Array(encoder.encode(v));

/** Byte strings as arrays, so values compare whatever their buffers and extra properties. */
function plainly(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: Array.from(v) };
  if (Array.isArray(v)) return v.map(plainly);
  return v;
}

/** `v` with integers above 2^32 - 1 as BigInts, as layout.ts hands them to cbor-x. */
function big(v: unknown): unknown {
  if (typeof v === "number" && Number.isSafeInteger(v) && v > 0xffffffff) return BigInt(v);
  return Array.isArray(v) ? v.map(big) : v;
}

/** What cbor-x decodes `bytes` to, or "throws". */
function reference(bytes: Uint8Array): unknown {
  try {
    return plainly(decoder.decode(Uint8Array.from(bytes)));
  } catch {
    return "throws";
  }
}

/** The reader's promise: it gives up, or gives what cbor-x gives. */
function agrees(bytes: Uint8Array): void {
  const v = readPlain(bytes);
  if (v !== NOT_PLAIN) assertEquals(plainly(v), reference(bytes));
}

const write = (v: unknown, room = 4096) => {
  const out = new Uint8Array(room);
  const n = writePlain(v, out);
  return n < 0 ? undefined : out.slice(0, n);
};

/** Values of the plain subset and beyond it (floats, negatives, BigInts, Unicode, objects). */
const arbValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.nat(),
    fc.integer({ min: 0, max: 0xffffffff }),
    fc.maxSafeNat(),
    fc.bigInt({ min: 0n, max: 2n ** 64n }),
    fc.double(),
    fc.integer({ min: -1000, max: -1 }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.string({ unit: "binary-ascii", maxLength: 300 }),
    fc.string({ maxLength: 20 }),
    fc.uint8Array({ maxLength: 300 }),
    fc.array(tie("value"), { maxLength: 30 }),
  ),
})).value;

Deno.test("prop: whatever the writer writes is cbor-x's encoding of the value", () => {
  fc.assert(
    fc.property(arbValue, (v) => {
      const mine = write(v);
      if (mine === undefined) return;
      assertEquals(Array.from(mine), Array.from(cborX(big(v))));
      agrees(mine); // and the reader reads it back as cbor-x does (or gives up)
    }),
    { numRuns: 3000 },
  );
});

Deno.test("prop: every message's layout is written by the writer and read by the reader", () => {
  fc.assert(
    fc.property(arbTag, arbMsg, (tag, msg) => {
      const ascii = [...JSON.stringify(msg)].every((c) => c.charCodeAt(0) < 0x80);
      const mine = write(layout(tag, msg, false), MAX_DATAGRAM * 2);
      // Only text beyond ASCII is left to cbor-x (addresses are ASCII in practice).
      if (ascii) assert(mine !== undefined, "left a message to cbor-x");
      if (mine === undefined) return;
      assertEquals(Array.from(mine), Array.from(cborX(layout(tag, msg))));
      assert(readPlain(mine) !== NOT_PLAIN);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("prop: the reader gives up or agrees with cbor-x, on any bytes", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => agrees(b)), { numRuns: 5000 });
});

Deno.test("prop: the reader gives up or agrees with cbor-x, on mutated messages", () => {
  fc.assert(
    fc.property(
      arbTag,
      arbMsg,
      fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom("set", "cut", "insert", "delete"))),
      (tag, msg, edits) => {
        const b = Array.from(cborX(layout(tag, msg)));
        for (const [at, byte, op] of edits) {
          const i = at % (b.length + 1);
          if (op === "set" && i < b.length) b[i] = byte;
          if (op === "cut") b.length = i;
          if (op === "insert") b.splice(i, 0, byte);
          if (op === "delete") b.splice(i, 1);
        }
        agrees(new Uint8Array(b));
      },
    ),
    { numRuns: 5000 },
  );
});

Deno.test("the reader leaves to cbor-x what is not plain shortest-form CBOR", () => {
  const cases: [string, number[]][] = [
    ["a one-byte integer that fits the initial byte", [0x18, 0x05]],
    ["a two-byte integer that fits one byte", [0x19, 0x00, 0xff]],
    ["a four-byte integer that fits two", [0x1a, 0x00, 0x00, 0xff, 0xff]],
    ["an eight-byte integer that fits four", [0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]],
    ["an integer above 2^53 - 1", [0x1b, 0, 0x20, 0, 0, 0, 0, 0, 0]],
    ["a non-shortest array length", [0x98, 0x01, 0x00]],
    ["an indefinite array", [0x9f, 0x00, 0xff]],
    ["a float", [0xf9, 0x3c, 0x00]],
    ["a negative integer", [0x20]],
    ["a map", [0xa0]],
    ["a tag", [0xc2, 0x40]],
    ["undefined", [0xf7]],
    ["text beyond ASCII", [0x62, 0xc3, 0xa9]],
    ["a byte after the value", [0x00, 0x00]],
    ["a truncated byte string", [0x43, 0x01]],
    ["nothing", []],
    ["nesting deeper than the wire's", [0x81, 0x81, 0x81, 0x81, 0x81, 0x00]],
  ];
  for (const [what, bytes] of cases) {
    assertEquals(readPlain(new Uint8Array(bytes)), NOT_PLAIN, what);
  }
  assertEquals(readPlain(new Uint8Array([0x83, 0x18, 0x18, 0xf5, 0x41, 0x07])), [
    24,
    true,
    new Uint8Array([7]),
  ]);
});

Deno.test("the writer leaves to cbor-x what it would write otherwise, and what does not fit", () => {
  for (const v of [2 ** 53, -1, 0.5, NaN, 2n ** 32n - 1n, "é", undefined, {}, new Uint16Array(1)]) {
    assertEquals(write(v), undefined, String(v));
  }
  assertEquals(write(new Uint8Array(10), 10), undefined);
  assertEquals(write(new Uint8Array(10), 11), new Uint8Array([0x4a, ...new Uint8Array(10)]));
  assertEquals(write(2n ** 32n), new Uint8Array([0x1b, 0, 0, 0, 1, 0, 0, 0, 0]));
  assertEquals(write(2 ** 32 + 5), new Uint8Array([0x1b, 0, 0, 0, 1, 0, 0, 0, 5]));
  // Inside a larger buffer: from start, before end, the rest untouched.
  const buf = new Uint8Array(8).fill(0xee);
  assertEquals(writePlain([1, 2], buf, 2, 5), 3);
  assertEquals(Array.from(buf), [0xee, 0xee, 0x82, 1, 2, 0xee, 0xee, 0xee]);
  assertEquals(writePlain([1, 2, 3], buf, 2, 5), -1);
});
