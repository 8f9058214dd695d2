import fc from "fast-check";
import { assert, assertEquals } from "../testing.ts";
import { arbDataBlock, arbMsg, arbTag, arbUint } from "./arbitraries.ts";
import { readDataBlockDatagram, writeDataBlockDatagram } from "./block_codec.ts";
import { encodeCbor } from "./cbor.ts";
import { fromWire, layout, toWire } from "./layout.ts";
import { MAX_CLUB, MAX_DATAGRAM, MAX_U32 } from "./budget.ts";
import type { BlockMsg } from "./messages.ts";
import { NOT_PLAIN, readPlain, writePlain } from "./plain_cbor.ts";

const arbDataBlockMsg: fc.Arbitrary<BlockMsg> = fc.record({
  t: fc.constant("block" as const),
  club: arbUint(MAX_CLUB),
  hop: arbUint(MAX_U32),
  n: arbUint(MAX_U32),
  repair: fc.boolean(),
  block: arbDataBlock,
});

/** What the general path makes of `bytes`: a message, or undefined when it refuses them. */
function general(bytes: Uint8Array): { ok: true; tag: number; msg: unknown } | undefined {
  const value = readPlain(bytes);
  if (value === NOT_PLAIN) return undefined;
  try {
    const { tag, msg } = fromWire(value);
    return { ok: true, tag, msg };
  } catch {
    return undefined;
  }
}

/** The general path's bytes for `msg`, written as writeDataBlockDatagram writes them. */
function generalBytes(tag: number, msg: BlockMsg): Uint8Array {
  const into = new Uint8Array(MAX_DATAGRAM);
  return into.subarray(0, writePlain(toWire(tag, msg, false), into));
}

Deno.test("prop: a data block datagram is written byte for byte as the general path and cbor-x write it", () => {
  fc.assert(fc.property(arbTag, arbDataBlockMsg, (tag, msg) => {
    const into = new Uint8Array(MAX_DATAGRAM + 10);
    const n = writeDataBlockDatagram(tag, msg, into, 5, 5 + MAX_DATAGRAM);
    const bytes = into.subarray(5, 5 + n);
    assertEquals(bytes, generalBytes(tag, msg));
    assertEquals(bytes, encodeCbor(layout(tag, msg)));
  }));
});

Deno.test("prop: a data block datagram reads as the general path reads it, payload a view of the bytes", () => {
  fc.assert(fc.property(arbTag, arbDataBlockMsg, (tag, msg) => {
    const bytes = generalBytes(tag, msg);
    const fast = readDataBlockDatagram(bytes);
    assert(fast !== undefined);
    assertEquals(fast, general(bytes));
    const payload = (fast.msg as BlockMsg).block.kind === "data"
      ? ((fast.msg as BlockMsg).block as { payload: Uint8Array }).payload
      : undefined;
    assert(payload !== undefined && payload.buffer === bytes.buffer);
  }));
});

Deno.test("prop: every other message is left to the general path, both ways", () => {
  fc.assert(fc.property(arbTag, arbMsg, (tag, msg) => {
    if (msg.t === "block" && msg.block.kind === "data") return;
    assertEquals(
      writeDataBlockDatagram(tag, msg, new Uint8Array(MAX_DATAGRAM), 0, MAX_DATAGRAM),
      -1,
    );
    const into = new Uint8Array(MAX_DATAGRAM * 2);
    const n = writePlain(toWire(tag, msg, false), into);
    if (n >= 0) assertEquals(readDataBlockDatagram(into.subarray(0, n)), undefined);
  }));
});

Deno.test("prop: whatever the reader takes from mutated bytes, the general path takes alike", () => {
  const arbMutated = fc.tuple(arbTag, arbDataBlockMsg).chain(([tag, msg]) => {
    const bytes = generalBytes(tag, msg);
    return fc.tuple(
      fc.constant(bytes),
      fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }),
      fc.nat(bytes.length),
    );
  });
  fc.assert(
    fc.property(arbMutated, ([bytes, edits, cut]) => {
      const b = bytes.slice(0, Math.max(cut, bytes.length - 3));
      for (const [at, v] of edits) if (at < b.length) b[at] = v;
      const fast = readDataBlockDatagram(b);
      if (fast !== undefined) assertEquals(fast, general(b));
    }),
    { numRuns: 2000 },
  );
});

/** A small data block datagram's message, every integer in one byte. */
const SMALL: BlockMsg = {
  t: "block",
  club: 3,
  hop: 7,
  n: 9,
  repair: false,
  block: { kind: "data", seq: 5, srcTime: 6, payload: new Uint8Array([1, 2, 3]) },
};

Deno.test("the reader leaves non-shortest forms, trailing or missing bytes and empty payloads to the general path", () => {
  const msg = SMALL;
  const bytes = generalBytes(0xdeadbeef, msg);
  assert(readDataBlockDatagram(bytes) !== undefined);
  // club 3 written in two bytes (0x18 0x03) instead of one: valid CBOR, not shortest form.
  const at = bytes.indexOf(0x03, 7);
  const longClub = new Uint8Array([
    ...bytes.subarray(0, at),
    0x18,
    0x03,
    ...bytes.subarray(at + 1),
  ]);
  assertEquals(readDataBlockDatagram(longClub), undefined);
  assertEquals(readDataBlockDatagram(new Uint8Array([...bytes, 0])), undefined);
  assertEquals(readDataBlockDatagram(bytes.subarray(0, bytes.length - 1)), undefined);
  assertEquals(readDataBlockDatagram(new Uint8Array(0)), undefined);
  const one = generalBytes(1, {
    ...msg,
    block: { kind: "data", seq: 5, srcTime: 6, payload: new Uint8Array([9]) },
  });
  one[one.length - 2] = 0x40; // a payload of no bytes: plain CBOR, but no valid block
  const empty = one.subarray(0, one.length - 1);
  assertEquals(readDataBlockDatagram(empty), undefined);
  assertEquals(general(empty), undefined);
});

Deno.test("the writer refuses what does not fit, and throws as the encoder on a bad message", () => {
  const msg: BlockMsg = {
    ...SMALL,
    repair: true,
    block: { kind: "data", seq: 2 ** 40, srcTime: 6, payload: new Uint8Array(100) },
  };
  const into = new Uint8Array(MAX_DATAGRAM);
  assertEquals(writeDataBlockDatagram(1, msg, into, 0, 50), -1);
  assert(writeDataBlockDatagram(1, msg, into, 0, MAX_DATAGRAM) > 100);
  let threw: unknown;
  try {
    writeDataBlockDatagram(1, { ...msg, club: MAX_CLUB + 1 }, into, 0, MAX_DATAGRAM);
  } catch (e) {
    threw = e;
  }
  assert(threw instanceof RangeError);
  try {
    writeDataBlockDatagram(-1, msg, into, 0, MAX_DATAGRAM);
    threw = undefined;
  } catch (e) {
    threw = e;
  }
  assert(threw instanceof RangeError);
});
