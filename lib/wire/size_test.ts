import fc from "fast-check";
import { assert, assertEquals } from "../testing.ts";
import { wireSize } from "./size.ts";
import { encodeDatagram } from "./codec.ts";
import { arbMsg, arbTag } from "./arbitraries.ts";
import type { Msg } from "./messages.ts";

Deno.test("wireSize equals the encoded size for tags of 2^24 and up", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2 ** 24, max: 2 ** 32 - 1 }), arbMsg, (tag, msg) => {
      assertEquals(wireSize(msg), encodeDatagram(tag, msg).length);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("wireSize is an upper bound within 4 bytes for any tag", () => {
  fc.assert(
    fc.property(arbTag, arbMsg, (tag, msg) => {
      const real = encodeDatagram(tag, msg).length;
      const est = wireSize(msg);
      assert(est >= real && est - real <= 4, `${msg.t}: wireSize ${est}, encoded ${real}`);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("wireSize reads only the shape of payloads and auth blocks", () => {
  const real: Msg = {
    t: "block",
    club: 7,
    hop: 123456,
    n: 99,
    repair: false,
    block: {
      kind: "auth",
      seq: 5000,
      srcTime: 1_700_000_000_000,
      count: 12,
      bitrate: 2_000_000,
      threshold: 300,
      leaves: Array.from({ length: 12 }, () => new Uint8Array(16).fill(9)),
      sig: new Uint8Array(64).fill(1),
    },
  };
  // The simulator's stand-ins: one shared short leaf, an empty signature.
  const stub = new Uint8Array(1);
  const sim = { ...real, block: { ...real.block, leaves: new Array(12).fill(stub), sig: stub } };
  assertEquals(wireSize(sim), encodeDatagram(0xabcdef01, real).length);
  const shared = new Uint8Array(1128);
  const data = (payload: Uint8Array): Msg => ({
    ...real,
    block: { kind: "data", seq: 1, srcTime: 2, payload },
  });
  assertEquals(
    wireSize(data(shared.subarray(0, 376))),
    encodeDatagram(0xabcdef01, data(new Uint8Array(376))).length,
  );
  assertEquals(wireSize(data(shared)) - wireSize(data(shared.subarray(0, 940))), 188);
});
