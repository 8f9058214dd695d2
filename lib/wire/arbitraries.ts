/**
 * fast-check generators of valid messages, for the wire tests (codec, size) and any other
 * test that needs realistic traffic. Integers are drawn across every CBOR width (1, 2, 3,
 * 5 and 9 bytes) so size and round-trip tests see each encoding.
 */
import fc from "fast-check";
import type { AuthBlock, Block, DataBlock, Msg } from "./messages.ts";
import {
  BLOCK_PAYLOAD,
  LEAF_BYTES,
  MAX_ADDR_BYTES,
  MAX_BATCH,
  MAX_BITFIELD_BYTES,
  MAX_CLUB,
  MAX_CLUBS,
  MAX_PAD,
  MAX_SEQS,
  MAX_U32,
  SIG_BYTES,
} from "./budget.ts";
import { utf8Length } from "./fields.ts";

/** fc.record with ordinary prototypes, so generated messages compare equal to decoded ones. */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

/** A non-negative integer up to `max`, spread over every CBOR integer width. */
export function arbUint(max = Number.MAX_SAFE_INTEGER): fc.Arbitrary<number> {
  const widths = [23, 255, 65535, MAX_U32, Number.MAX_SAFE_INTEGER].filter((w) => w <= max);
  return fc.oneof(...widths.map((w) => fc.integer({ min: 0, max: w })), fc.constant(max));
}

/** Exactly `n` random bytes. */
export function arbBytes(min: number, max = min): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ minLength: min, maxLength: max });
}

/** An address: mostly "ip:port"-like ASCII, sometimes any Unicode, within MAX_ADDR_BYTES. */
export const arbAddr: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary-ascii", maxLength: MAX_ADDR_BYTES }),
  fc.string({ unit: "binary", maxLength: 20 }).filter((s) => utf8Length(s) <= MAX_ADDR_BYTES),
);

const arbClub = arbUint(MAX_CLUB);
const arbDir = fc.constantFrom("up" as const, "down" as const);
const arbSeqs = fc.array(arbUint(), { maxLength: MAX_SEQS });

/** A data block with a payload of 1..BLOCK_PAYLOAD bytes. */
export const arbDataBlock: fc.Arbitrary<DataBlock> = rec({
  kind: fc.constant("data" as const),
  seq: arbUint(),
  srcTime: arbUint(),
  payload: arbBytes(1, BLOCK_PAYLOAD),
});

/** An auth block with 1..MAX_BATCH leaves. */
export const arbAuthBlock: fc.Arbitrary<AuthBlock> = fc.integer({ min: 1, max: MAX_BATCH })
  .chain((count) =>
    rec({
      kind: fc.constant("auth" as const),
      seq: arbUint(),
      srcTime: arbUint(),
      count: fc.constant(count),
      bitrate: arbUint(),
      threshold: arbUint(),
      leaves: fc.array(arbBytes(LEAF_BYTES), { minLength: count, maxLength: count }),
      sig: arbBytes(SIG_BYTES),
    })
  );

/** Any block. */
export const arbBlock: fc.Arbitrary<Block> = fc.oneof(arbDataBlock, arbAuthBlock);

/** Any valid message that fits a datagram. */
export const arbMsg: fc.Arbitrary<Msg> = fc.oneof(
  rec({
    t: fc.constant("block" as const),
    club: arbClub,
    hop: arbUint(MAX_U32),
    n: arbUint(MAX_U32),
    repair: fc.boolean(),
    block: arbBlock,
  }),
  rec({ t: fc.constant("have" as const), club: arbClub, seqs: arbSeqs, list: fc.boolean() }),
  rec({
    t: fc.constant("keepalive" as const),
    club: arbClub,
    lead: fc.boolean(),
    cookie: arbUint(),
    offers: fc.boolean(),
  }),
  rec({
    t: fc.constant("ping" as const),
    nonce: arbUint(),
    pad: fc.integer({ min: 0, max: MAX_PAD }),
  }),
  rec({
    t: fc.constant("pong" as const),
    nonce: arbUint(),
    you: arbAddr,
    clubs: fc.array(arbClub, { maxLength: MAX_CLUBS }),
    up: arbUint(),
    upIn: arbUint(),
    down: arbUint(),
    downIn: arbUint(),
    full: fc.boolean(),
    cookie: arbUint(),
  }),
  rec({ t: fc.constant("find" as const), club: arbClub, nonce: arbUint(), cookie: arbUint() }),
  // 17 addresses of the worst-case length always fit (docs/protocol.md).
  rec({
    t: fc.constant("peers" as const),
    club: arbClub,
    nonce: arbUint(),
    peers: fc.array(arbAddr, { maxLength: 17 }),
  }),
  rec({
    t: fc.constant("connect" as const),
    club: arbClub,
    dir: arbDir,
    clubs: fc.array(arbClub, { maxLength: MAX_CLUBS }),
    have: fc.option(
      rec({ base: arbUint(), bits: arbBytes(1, MAX_BITFIELD_BYTES) }),
      { nil: null },
    ),
    cookie: arbUint(),
  }),
  rec({ t: fc.constant("accept" as const), club: arbClub, dir: arbDir, cookie: arbUint() }),
  rec({ t: fc.constant("drop" as const), club: arbClub, dir: arbDir, cookie: arbUint() }),
  rec({ t: fc.constant("want" as const), seqs: arbSeqs }),
  rec({ t: fc.constant("offer" as const), club: arbClub, seqs: arbSeqs }),
);

/** A channel tag. */
export const arbTag: fc.Arbitrary<number> = arbUint(MAX_U32);
