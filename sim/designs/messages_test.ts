import { assert, assertEquals } from "../../lib/testing.ts";
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import { encodeDatagram } from "../../lib/wire/codec.ts";
import type { BlockMsg } from "../../lib/wire/messages.ts";
import { baselineSize } from "./messages.ts";

Deno.test("a baseline's block costs what a club block costs on the wire", () => {
  const m: BlockMsg = {
    t: "block",
    club: 3,
    hop: 123456,
    n: 77,
    repair: false,
    block: { kind: "data", seq: 1000, srcTime: 4000, payload: new Uint8Array(BLOCK_PAYLOAD) },
  };
  assertEquals(baselineSize(m), encodeDatagram(0xfedcba98, m).length);
});

Deno.test("control messages are sized by their fields, like the club wire format's", () => {
  const alive = baselineSize({ t: "alive" });
  assert(alive >= 8 && alive <= 10, `a bare message is the header only: ${alive}`);
  const small = baselineSize({ t: "bufmap", base: 10, bits: new Uint8Array(10) });
  const big = baselineSize({ t: "bufmap", base: 10, bits: new Uint8Array(200) });
  assertEquals(big - small, 190 + 1, "190 more bytes of map, one more byte of length");
  const path = baselineSize({ t: "beat", path: ["n1", "n22", "n333"] });
  assertEquals(path - baselineSize({ t: "beat", path: [] }), 3 + 4 + 5);
});
