import fc from "fast-check";
import { assert, assertEquals } from "../testing.ts";
import { arbMsg, arbTag } from "./arbitraries.ts";
import { decodeDatagram, encodeDatagram } from "./codec.ts";
import { headTag } from "./head.ts";

/** What headTag says must never contradict the full decoder. */
function agrees(bytes: Uint8Array): void {
  const head = headTag(bytes), r = decodeDatagram(bytes);
  if (head === null) assert(!r.ok, "headTag refused a datagram the decoder takes");
  if (typeof head === "number" && r.ok) assertEquals(r.tag, head);
}

Deno.test("headTag reads the tag of every valid datagram", () => {
  fc.assert(
    fc.property(arbTag, arbMsg, (tag, msg) => assertEquals(headTag(encodeDatagram(tag, msg)), tag)),
    { numRuns: 2000 },
  );
});

Deno.test("headTag never refuses what the decoder takes, nor reads another tag", () => {
  const mutation = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
  fc.assert(
    fc.property(arbTag, arbMsg, fc.array(mutation, { maxLength: 3 }), (tag, msg, ms) => {
      const b = encodeDatagram(tag, msg).slice();
      for (const { at, byte } of ms) b[at % Math.min(b.length, 12)] = byte;
      agrees(b);
    }),
    { numRuns: 5000 },
  );
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => agrees(b)), { numRuns: 5000 });
});

Deno.test("headTag: junk is refused at its first bytes; odd but legal heads are left to decode", () => {
  assertEquals(headTag(new Uint8Array(0)), null);
  assertEquals(headTag(new Uint8Array([0x47, 0x40, 0x11])), null, "an MPEG-TS packet");
  assertEquals(headTag(new Uint8Array([0x85, 0x01, 0x05, 0x03])), null, "version 1");
  assertEquals(headTag(new Uint8Array([0x85, 0x03, 0x05, 0x03])), null, "version 3");
  assertEquals(headTag(new Uint8Array([0x85, 0x04, 0x05, 0x03])), null, "version 4");
  assertEquals(headTag(new Uint8Array([0x85, 0x07, 0x05, 0x03])), null, "version 7");
  assertEquals(headTag(new Uint8Array([0x85, 0x05, 0x05, 0x03])), null, "version 5");
  assertEquals(headTag(new Uint8Array([0x84, 0x06, 0x61, 0x61])), null, "a text tag");
  assertEquals(headTag(new Uint8Array([0x84, 0x06, 0x1a, 0, 0])), null, "cut short");
  assertEquals(headTag(new Uint8Array([0x85, 0x18, 0x06, 0x05, 0x03])), 5, "a wide version");
  assertEquals(headTag(new Uint8Array([0x84, 0x06, 0x05, 0x03])), null, "a ping of 4 elements");
  assertEquals(headTag(new Uint8Array([0x85, 0x06, 0x05, 0x0c])), null, "type 12");
  assertEquals(headTag(new Uint8Array([0x85, 0x06, 0x05, 0x60])), null, "a text type");
  assertEquals(headTag(new Uint8Array([0x98, 0x05, 0x06, 0x05, 0x03])), 5, "a wide count");
  assertEquals(headTag(new Uint8Array([0x9f, 0x06, 0x05, 0x03])), 5, "an indefinite array");
  assertEquals(headTag(new Uint8Array([0x85, 0x06, 0x05, 0xf9])), 5, "a float type: decode");
  assertEquals(headTag(new Uint8Array([0x84, 0xf9, 0x40, 0x00, 0x05])), undefined, "2.0");
  assertEquals(headTag(new Uint8Array([0xd8, 0x1c, 0x84])), undefined, "a CBOR tag");
});
