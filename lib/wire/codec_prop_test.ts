/**
 * Property tests of the datagram decoder against hostile input, beyond codec_test.ts (which
 * has the round trip, arbitrary bytes, byte-level mutations and arbitrary top-level fields):
 * structure-aware mutations (fields swapped, moved between messages, nested values replaced,
 * type codes changed), receive-buffer views, and the encoder's contract on arbitrary objects.
 * The property throughout: decoding never throws, and whatever it accepts is a valid message
 * that the encoder sends back as a datagram decoding to the very same message.
 */
import fc from "fast-check";
import { Decoder, Encoder } from "cbor-x";
import { assert, assertEquals } from "../testing.ts";
import { decodeDatagram, type DecodeResult, encodeDatagram } from "./codec.ts";
import { arbMsg, arbTag } from "./arbitraries.ts";
import { MAX_DATAGRAM } from "./budget.ts";
import { TYPE_CODE } from "./layout.ts";
import { validateMsg } from "./validate.ts";

// Raw CBOR, bypassing the codec's checks: how an attacker would build datagrams.
const rawEncoder = new Encoder({ useRecords: false, tagUint8Array: false });
const rawDecoder = new Decoder({ useRecords: false, int64AsNumber: true } as never);
const raw = (v: unknown): Uint8Array | undefined => {
  try {
    return new Uint8Array(rawEncoder.encode(v));
  } catch {
    return undefined; // not encodable as CBOR at all
  }
};
const frame = (bytes: Uint8Array) => rawDecoder.decode(bytes) as unknown[];

/** The decoder's promise: an error value, or a valid message that round-trips exactly. */
function sound(r: DecodeResult): void {
  if (!r.ok) {
    assert(typeof r.error === "string" && r.error.length > 0);
    return;
  }
  validateMsg(r.msg); // throws if the decoder let an invalid message through
  const again = encodeDatagram(r.tag, r.msg);
  assert(again.length <= MAX_DATAGRAM);
  assertEquals(decodeDatagram(again), r);
}

/** Replaces the element at `path` (indices into nested arrays) with `value`. */
function replaceAt(v: unknown, path: readonly number[], value: unknown): unknown {
  if (path.length === 0 || !Array.isArray(v) || v.length === 0) return value;
  const out = [...v];
  const i = path[0] % out.length;
  out[i] = replaceAt(out[i], path.slice(1), value);
  return out;
}

Deno.test("prop: decode(encode(m)) is m and re-encodes to the same bytes", () => {
  fc.assert(
    fc.property(arbTag, arbMsg, (tag, msg) => {
      const bytes = encodeDatagram(tag, msg);
      const r = decodeDatagram(bytes);
      assert(r.ok);
      // Canonical: one message, one datagram. (Compared as arrays: cbor-x caches a DataView
      // property on the Uint8Arrays it decodes.)
      assertEquals(Array.from(encodeDatagram(r.tag, r.msg)), Array.from(bytes));
    }),
    { numRuns: 1000 },
  );
});

Deno.test("prop: two fields of a valid datagram swapped never throw", () => {
  fc.assert(
    fc.property(arbTag, arbMsg, fc.nat(), fc.nat(), (tag, msg, i, j) => {
      const a = frame(encodeDatagram(tag, msg));
      const x = i % a.length, y = j % a.length;
      [a[x], a[y]] = [a[y], a[x]];
      const bytes = raw(a);
      if (bytes) sound(decodeDatagram(bytes));
    }),
    { numRuns: 3000 },
  );
});

Deno.test("prop: a field moved from another message never throws", () => {
  fc.assert(
    fc.property(arbTag, arbMsg, arbMsg, fc.nat(), fc.nat(), (tag, m1, m2, i, j) => {
      const a = frame(encodeDatagram(tag, m1)), b = frame(encodeDatagram(tag, m2));
      a[3 + (i % (a.length - 3))] = b[3 + (j % (b.length - 3))];
      const bytes = raw(a);
      if (bytes) sound(decodeDatagram(bytes));
    }),
    { numRuns: 3000 },
  );
});

Deno.test("prop: a nested value replaced by any CBOR value never throws", () => {
  const value = fc.anything({ maxDepth: 2, withTypedArray: true, withBigInt: true });
  const path = fc.array(fc.nat(), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(arbTag, arbMsg, path, value, (tag, msg, p, v) => {
      const bytes = raw(replaceAt(frame(encodeDatagram(tag, msg)), p, v));
      if (bytes) sound(decodeDatagram(bytes));
    }),
    { numRuns: 3000 },
  );
});

Deno.test("prop: a message under another type code never throws", () => {
  fc.assert(
    fc.property(arbTag, arbMsg, fc.integer({ min: 0, max: 12 }), (tag, msg, code) => {
      const a = frame(encodeDatagram(tag, msg));
      a[2] = code;
      sound(decodeDatagram(raw(a)!));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("prop: a datagram read from a view into a larger receive buffer decodes alone", () => {
  fc.assert(
    fc.property(arbTag, arbMsg, fc.uint8Array(), fc.uint8Array(), (tag, msg, pre, post) => {
      const bytes = encodeDatagram(tag, msg);
      const buf = new Uint8Array(pre.length + bytes.length + post.length);
      buf.set(pre);
      buf.set(bytes, pre.length);
      buf.set(post, pre.length + bytes.length);
      const view = buf.subarray(pre.length, pre.length + bytes.length);
      assertEquals(decodeDatagram(view), { ok: true, tag, msg });
    }),
    { numRuns: 500 },
  );
});

Deno.test("prop: decodeDatagram refuses anything that is not a Uint8Array without throwing", () => {
  fc.assert(
    fc.property(fc.anything({ withTypedArray: true, withBoxedValues: true }), (v) => {
      if (v instanceof Uint8Array) return;
      const r = decodeDatagram(v as Uint8Array);
      assert(!r.ok);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("prop: the encoder on arbitrary objects throws RangeError or sends a valid message", () => {
  const type = fc.constantFrom(...Object.keys(TYPE_CODE), "nope");
  const obj = fc.tuple(type, fc.dictionary(fc.string(), fc.anything({ maxDepth: 2 })))
    .map(([t, rest]) => ({ ...rest, t }));
  // Valid messages with one field replaced by anything: the near misses.
  const nearMiss = fc.tuple(arbMsg, fc.anything({ maxDepth: 2, withTypedArray: true }), fc.nat())
    .map(([m, v, i]) => {
      const keys = Object.keys(m).filter((k) => k !== "t");
      return keys.length === 0 ? m : { ...m, [keys[i % keys.length]]: v };
    });
  fc.assert(
    fc.property(arbTag, fc.oneof(obj, nearMiss), (tag, msg) => {
      let bytes: Uint8Array;
      try {
        bytes = encodeDatagram(tag, msg as never);
      } catch (e) {
        assert(e instanceof RangeError, `threw ${e}`);
        return;
      }
      sound(decodeDatagram(bytes));
    }),
    { numRuns: 3000 },
  );
});
