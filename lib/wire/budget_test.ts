import { assert, assertEquals } from "../testing.ts";
import { encodeDatagram } from "./codec.ts";
import {
  BLOCK_PAYLOAD,
  LEAF_BYTES,
  MAX_BATCH,
  MAX_DATAGRAM,
  MAX_U32,
  TS_PACKET,
} from "./budget.ts";
import type { Block, Msg } from "./messages.ts";

const MAX = Number.MAX_SAFE_INTEGER;

/** A block message with every integer at its widest encoding. */
function worst(block: Block): Msg {
  return { t: "block", club: 65535, hop: MAX_U32, n: MAX_U32, repair: true, block };
}

Deno.test("BLOCK_PAYLOAD is the largest multiple of 188 whose worst-case block fits", () => {
  assertEquals(BLOCK_PAYLOAD % TS_PACKET, 0);
  assertEquals(BLOCK_PAYLOAD, 1128);
  const size = encodeDatagram(
    MAX_U32,
    worst({
      kind: "data",
      seq: MAX,
      srcTime: MAX,
      payload: new Uint8Array(BLOCK_PAYLOAD),
    }),
  ).length;
  assertEquals(size, BLOCK_PAYLOAD + 45); // the framing documented in docs/protocol.md
  assert(size <= MAX_DATAGRAM);
  // One more TS packet (same 3-byte length header) would not fit.
  assert(size + TS_PACKET > MAX_DATAGRAM);
});

Deno.test("a worst-case auth block with MAX_BATCH leaves fits", () => {
  const size = encodeDatagram(
    MAX_U32,
    worst({
      kind: "auth",
      seq: MAX,
      srcTime: MAX,
      count: MAX_BATCH,
      bitrate: MAX,
      threshold: MAX,
      leaves: Array.from({ length: MAX_BATCH }, () => new Uint8Array(LEAF_BYTES)),
      sig: new Uint8Array(64),
    }),
  ).length;
  assertEquals(LEAF_BYTES, 16);
  assertEquals(size, 643); // as documented in docs/protocol.md
  assert(size <= MAX_DATAGRAM);
});
