/**
 * The positional layout of every message: which CBOR array element holds which field
 * (docs/protocol.md, "Datagrams"). `toWire` lays a validated message out; `fromWire` reads
 * one back and validates it. Both throw RangeError on anything out of place.
 */
import type { Bitfield, Block, Dir, Msg, MsgType } from "./messages.ts";
import { LEAF_BYTES, MAX_BATCH, MAX_PAD, MAX_U32, WIRE_VERSION } from "./budget.ts";
import { bytes, describe, fail, list, uint } from "./fields.ts";
import { validateMsg } from "./validate.ts";

/** The type code of each message (element 2 of every datagram). */
export const TYPE_CODE: Readonly<Record<MsgType, number>> = {
  block: 0,
  have: 1,
  keepalive: 2,
  ping: 3,
  pong: 4,
  find: 5,
  peers: 6,
  connect: 7,
  accept: 8,
  drop: 9,
  want: 10,
  offer: 11,
};

/** Number of array elements of each type's datagram, indexed by type code. */
export const TYPE_LENGTH: readonly number[] = [8, 6, 7, 5, 12, 6, 6, 8, 6, 6, 4, 5];

/**
 * Checks `msg` (RangeError if invalid) and lays it out as the datagram's CBOR array; with
 * `big` false, large integers stay numbers (see {@link layout}).
 */
export function toWire(tag: number, msg: Msg, big = true): unknown[] {
  checkWire(tag, msg);
  return layout(tag, msg, big);
}

/** Throws RangeError unless `tag` is a channel tag and `msg` a valid message. */
export function checkWire(tag: number, msg: Msg): void {
  uint(tag, MAX_U32, "tag");
  validateMsg(msg);
}

/**
 * Lays `msg` out as the datagram's CBOR array without checking it (wireSize lays out
 * stand-in messages). Integers above 2^32 - 1 become BigInts so cbor-x writes them as CBOR
 * unsigned integers (major type 0), not as floats; with `big` false they stay numbers, for
 * the plain writer (plain_cbor.ts), which writes them so without a BigInt per integer.
 */
export function layout(tag: number, msg: Msg, big = true): unknown[] {
  const i = big ? int : same;
  const v = WIRE_VERSION, type = TYPE_CODE[msg.t];
  switch (msg.t) {
    case "block":
      return [v, tag, type, msg.club, msg.hop, msg.n, msg.repair, blockToWire(msg.block, i)];
    case "have":
      return [v, tag, type, msg.club, big ? msg.seqs.map(int) : msg.seqs, msg.list];
    case "keepalive":
      return [v, tag, type, msg.club, msg.lead, i(msg.cookie), msg.offers];
    case "ping":
      return [v, tag, type, i(msg.nonce), zeros(msg.pad)];
    case "pong":
      return [
        v,
        tag,
        type,
        i(msg.nonce),
        msg.you,
        msg.clubs,
        i(msg.up),
        i(msg.upIn),
        i(msg.down),
        i(msg.downIn),
        msg.full,
        i(msg.cookie),
      ];
    case "find":
      return [v, tag, type, msg.club, i(msg.nonce), i(msg.cookie)];
    case "peers":
      return [v, tag, type, msg.club, i(msg.nonce), msg.peers];
    case "connect": {
      const have = msg.have === null ? null : [i(msg.have.base), msg.have.bits];
      return [v, tag, type, msg.club, dirCode(msg.dir), msg.clubs, have, i(msg.cookie)];
    }
    case "accept":
      return [v, tag, type, msg.club, dirCode(msg.dir), i(msg.cookie)];
    case "drop":
      return [v, tag, type, msg.club, dirCode(msg.dir), i(msg.cookie)];
    case "want":
      return [v, tag, type, big ? msg.seqs.map(int) : msg.seqs];
    case "offer":
      return [v, tag, type, msg.club, big ? msg.seqs.map(int) : msg.seqs];
  }
}

function blockToWire(b: Block, i: (v: number) => number | bigint): unknown[] {
  if (b.kind === "data") return [0, i(b.seq), i(b.srcTime), b.payload];
  const leaves = new Uint8Array(b.count * LEAF_BYTES);
  b.leaves.forEach((leaf, k) => leaves.set(leaf, k * LEAF_BYTES));
  return [1, i(b.seq), i(b.srcTime), b.count, i(b.bitrate), i(b.threshold), leaves, b.sig];
}

/** Reads a decoded CBOR value as a datagram; throws RangeError unless it is a valid one. */
export function fromWire(v: unknown): { tag: number; msg: Msg } {
  if (!Array.isArray(v)) fail("datagram: expected a CBOR array");
  if (v.length < 3) fail(`datagram: expected at least 3 elements, got ${v.length}`);
  if (v[0] !== WIRE_VERSION) fail(`datagram: unsupported version ${describe(v[0])}`);
  const tag = uint(v[1], MAX_U32, "tag");
  const code = uint(v[2], TYPE_LENGTH.length - 1, "type");
  if (v.length !== TYPE_LENGTH[code]) {
    fail(`datagram: type ${code} has ${TYPE_LENGTH[code]} elements, got ${v.length}`);
  }
  const msg = unpack(code, v) as Msg;
  validateMsg(msg);
  return { tag, msg };
}

/** Builds the message object of type `code` from its elements, before validation. */
function unpack(code: number, v: readonly unknown[]): unknown {
  switch (code) {
    case 0:
      return { t: "block", club: v[3], hop: v[4], n: v[5], repair: v[6], block: blockOf(v[7]) };
    case 1:
      return { t: "have", club: v[3], seqs: v[4], list: v[5] };
    case 2:
      return { t: "keepalive", club: v[3], lead: v[4], cookie: v[5], offers: v[6] };
    case 3:
      return { t: "ping", nonce: v[3], pad: padOf(v[4]) };
    case 4: {
      const [nonce, you, clubs, up, upIn, down, downIn, full, cookie] = v.slice(3);
      return { t: "pong", nonce, you, clubs, up, upIn, down, downIn, full, cookie };
    }
    case 5:
      return { t: "find", club: v[3], nonce: v[4], cookie: v[5] };
    case 6:
      return { t: "peers", club: v[3], nonce: v[4], peers: v[5] };
    case 7: {
      const have = bitfieldOf(v[6]);
      return { t: "connect", club: v[3], dir: dirOf(v[4]), clubs: v[5], have, cookie: v[7] };
    }
    case 8:
      return { t: "accept", club: v[3], dir: dirOf(v[4]), cookie: v[5] };
    case 9:
      return { t: "drop", club: v[3], dir: dirOf(v[4]), cookie: v[5] };
    case 10:
      return { t: "want", seqs: v[3] };
    default:
      return { t: "offer", club: v[3], seqs: v[4] };
  }
}

function blockOf(v: unknown): Block {
  const a = list(v, 8, "block");
  if (a[0] === 0 && a.length === 4) {
    // The payload stays a view of the datagram (decodeDatagram): it is most of the bytes,
    // and the blocks that keep it are the recent ones, whose datagrams are recent too.
    return { kind: "data", seq: a[1], srcTime: a[2], payload: a[3] } as Block;
  }
  if (a[0] !== 1 || a.length !== 8) fail("block: expected [0, seq, srcTime, payload] or auth");
  const [, seq, srcTime, count, bitrate, threshold, leafBytes, sig] = a;
  if (!(leafBytes instanceof Uint8Array) || leafBytes.length > MAX_BATCH * LEAF_BYTES) {
    fail(`auth.leaves: expected at most ${MAX_BATCH} * ${LEAF_BYTES} bytes`);
  }
  if (leafBytes.length % LEAF_BYTES !== 0) {
    fail(`auth.leaves: not a multiple of ${LEAF_BYTES} bytes`);
  }
  const all = new Uint8Array(leafBytes);
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += LEAF_BYTES) leaves.push(all.subarray(i, i + LEAF_BYTES));
  return { kind: "auth", seq, srcTime, count, bitrate, threshold, leaves, sig: copy(sig) } as Block;
}

function bitfieldOf(v: unknown): Bitfield | null {
  if (v === null) return null;
  const a = list(v, 2, "bitfield");
  if (a.length !== 2) fail("bitfield: expected [base, bits]");
  return { base: a[0], bits: copy(a[1]) } as Bitfield;
}

/**
 * A fresh plain Uint8Array: a signature's leaves and the bitfield of a connection may be
 * kept long after their datagram (a verdict's record, say), and as views they would keep
 * the datagram's whole receive buffer (lib/wire/arena.ts) alive.
 */
function copy(v: unknown): unknown {
  return v instanceof Uint8Array ? new Uint8Array(v) : v;
}

/** `n` zero bytes of padding (one shared buffer: the encoder only reads it). */
function zeros(n: number): Uint8Array {
  if (n > PADDING.length) PADDING = new Uint8Array(n);
  return PADDING.subarray(0, n);
}
let PADDING = new Uint8Array(MAX_PAD);

/** The length of a ping's padding: a byte string of zeros only, so the encoding is canonical. */
function padOf(v: unknown): number {
  const b = bytes(v, 0, MAX_PAD, "ping.pad");
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) fail("ping.pad: expected zero bytes");
  return b.length;
}

function dirCode(d: Dir): number {
  return d === "up" ? 0 : 1;
}

function dirOf(v: unknown): Dir {
  if (v === 0) return "up";
  if (v === 1) return "down";
  return fail(`dir: expected 0 (up) or 1 (down), got ${describe(v)}`);
}

function int(v: number): number | bigint {
  return v > MAX_U32 ? BigInt(v) : v;
}

function same(v: number): number {
  return v;
}
