/**
 * Datagram sizes without encoding: the simulator counts the bytes of millions of messages
 * and cannot afford cbor-x on each. The fixed part of each message shape is measured once
 * with the real encoder and memoized; what varies within a shape (how wide each integer,
 * how long each string or byte string) follows CBOR's simple length rules.
 */
import type { AuthBlock, Msg } from "./messages.ts";
import { LEAF_BYTES, MAX_U32, PING_BYTES, SIG_BYTES } from "./budget.ts";
import { layout } from "./layout.ts";
import { encodeCbor } from "./cbor.ts";
import { utf8Length } from "./fields.ts";

/**
 * The size in bytes of `encodeDatagram(tag, msg)`, assuming the channel tag takes its
 * usual 5 bytes (tags below 2^24, one channel in 256, encode 1..4 bytes shorter): an upper
 * bound within 4 bytes of the true size, exact for such tags.
 *
 * It reads only the shape of payloads and auth blocks, so simulated messages may carry a
 * shared dummy payload of the right length and stand-in leaves and signature: an auth
 * block always counts `count` leaves of LEAF_BYTES (16) and a 64-byte signature. It does not check
 * the message; invalid messages get a size all the same.
 *
 * @example
 * ```ts
 * import { wireSize } from "./size.ts";
 * import { encodeDatagram } from "./codec.ts";
 * const m = { t: "find", club: 3, nonce: 1234, cookie: 0 } as const;
 * if (wireSize(m) !== encodeDatagram(0xdeadbeef, m).length) throw new Error("size");
 * ```
 */
export function wireSize(msg: Msg): number {
  switch (msg.t) {
    case "block": {
      const b = msg.block;
      const ints = u(msg.club) + u(msg.hop) + u(msg.n) + u(b.seq) + u(b.srcTime);
      if (b.kind === "data") return fixed(F_DATA) + ints + bin(b.payload.length);
      return counted(F_AUTH, b.count) + ints + u(b.bitrate) + u(b.threshold);
    }
    case "have":
      return counted(F_HAVE, msg.seqs.length) + u(msg.club) + sum(msg.seqs);
    case "want":
      return counted(F_WANT, msg.seqs.length) + sum(msg.seqs);
    case "offer":
      return counted(F_OFFER, msg.seqs.length) + u(msg.club) + sum(msg.seqs);
    case "keepalive":
      return fixed(F_KEEPALIVE) + u(msg.club) + u(msg.cookie);
    case "ping":
      return fixed(F_PING) + u(msg.nonce) + bin(msg.pad);
    case "pong":
      return counted(F_PONG, msg.clubs.length) + u(msg.nonce) + str(msg.you) + sum(msg.clubs) +
        u(msg.up) + u(msg.upIn) + u(msg.down) + u(msg.downIn) + u(msg.cookie);
    case "find":
      return fixed(F_FIND) + u(msg.club) + u(msg.nonce) + u(msg.cookie);
    case "peers": {
      let strs = 0;
      for (let i = 0; i < msg.peers.length; i++) strs += str(msg.peers[i]);
      return counted(F_PEERS, msg.peers.length) + u(msg.club) + u(msg.nonce) + strs;
    }
    case "connect": {
      const n = msg.clubs.length;
      const bf = msg.have === null ? 0 : u(msg.have.base) + bin(msg.have.bits.length);
      return counted(msg.have === null ? F_CONNECT : F_CONNECT_BF, n) + u(msg.club) +
        sum(msg.clubs) + bf + u(msg.cookie);
    }
    case "accept":
      return fixed(F_ACCEPT) + u(msg.club) + u(msg.cookie);
    case "drop":
      return fixed(F_DROP) + u(msg.club) + u(msg.cookie);
  }
}

/**
 * The padding that makes a ping with `nonce` exactly PING_BYTES long (with a 5-byte channel
 * tag; a shorter tag makes it up to 4 bytes shorter).
 *
 * @example
 * ```ts
 * import { pingPad, wireSize } from "./size.ts";
 * const nonce = 2 ** 40;
 * if (wireSize({ t: "ping", nonce, pad: pingPad(nonce) }) !== 40) throw new Error("pad");
 * ```
 */
export function pingPad(nonce: number): number {
  const bare = fixed(F_PING) + u(nonce);
  // Padding of 24 bytes or more takes a second length byte.
  const pad = PING_BYTES - bare;
  return pad < 24 ? Math.max(0, pad) : pad - 1;
}

const EMPTY = new Uint8Array(0);

// Message shapes. A shape's fixed size depends on its kind and, for lists, on their length,
// so sizes are memoized per kind in an array indexed by that length (0 for the fixed ones):
// the hot path is two array reads, no key string, no closure.
const F_DATA = 0, F_AUTH = 1, F_HAVE = 2, F_WANT = 3, F_KEEPALIVE = 4, F_PING = 5, F_PONG = 6;
const F_FIND = 7, F_PEERS = 8, F_CONNECT = 9, F_CONNECT_BF = 10, F_ACCEPT = 11, F_DROP = 12;
const F_OFFER = 13;
const memo: number[][] = Array.from({ length: 14 }, () => []);

/** The encoded size of shape `kind` with no list, every integer 0 and every string empty. */
function fixed(kind: number): number {
  return memo[kind][0] ?? measure(kind, 0);
}

/** The same for shape `kind` with lists of `n` entries. */
function counted(kind: number, n: number): number {
  return memo[kind][n] ?? measure(kind, n);
}

function measure(kind: number, n: number): number {
  const size = encodeCbor(layout(MAX_U32, shapeOf(kind, n))).length;
  memo[kind][n] = size;
  return size;
}

function shapeOf(kind: number, n: number): Msg {
  switch (kind) {
    case F_DATA:
      return dataShape();
    case F_AUTH:
      return authShape(n);
    case F_HAVE:
      return { t: "have", club: 0, seqs: zeros(n), list: false };
    case F_WANT:
      return { t: "want", seqs: zeros(n) };
    case F_OFFER:
      return { t: "offer", club: 0, seqs: zeros(n) };
    case F_KEEPALIVE:
      return { t: "keepalive", club: 0, lead: false, cookie: 0, offers: false };
    case F_PING:
      return { t: "ping", nonce: 0, pad: 0 };
    case F_PONG:
      return {
        t: "pong",
        nonce: 0,
        you: "",
        clubs: zeros(n),
        up: 0,
        upIn: 0,
        down: 0,
        downIn: 0,
        full: false,
        cookie: 0,
      };
    case F_FIND:
      return { t: "find", club: 0, nonce: 0, cookie: 0 };
    case F_PEERS:
      return { t: "peers", club: 0, nonce: 0, peers: new Array(n).fill("") };
    case F_CONNECT:
    case F_CONNECT_BF: {
      const have = kind === F_CONNECT ? null : { base: 0, bits: EMPTY };
      return { t: "connect", club: 0, dir: "up", clubs: zeros(n), have, cookie: 0 };
    }
    case F_ACCEPT:
      return { t: "accept", club: 0, dir: "up", cookie: 0 };
    default:
      return { t: "drop", club: 0, dir: "up", cookie: 0 };
  }
}

function dataShape(): Msg {
  const block = { kind: "data", seq: 0, srcTime: 0, payload: EMPTY } as const;
  return { t: "block", club: 0, hop: 0, n: 0, repair: false, block };
}

function authShape(count: number): Msg {
  const leaves: Uint8Array[] = new Array(count).fill(new Uint8Array(LEAF_BYTES));
  const sig = new Uint8Array(SIG_BYTES);
  const block: AuthBlock = {
    kind: "auth",
    seq: 0,
    srcTime: 0,
    count,
    bitrate: 0,
    threshold: 0,
    leaves,
    sig,
  };
  return { t: "block", club: 0, hop: 0, n: 0, repair: false, block };
}

function zeros(n: number): number[] {
  return new Array(n).fill(0);
}

/** Bytes an unsigned integer takes beyond the 1 byte of the value 0. */
function u(v: number): number {
  return v < 24 ? 0 : v < 0x100 ? 1 : v < 0x10000 ? 2 : v <= 0xffffffff ? 4 : 8;
}

// Indexed loops: for...of allocates an iterator result per step where V8 does not optimize
// it away, and this runs for every datagram the simulator sends.
function sum(vs: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < vs.length; i++) n += u(vs[i]);
  return n;
}

/** Bytes a byte string of `len` bytes takes beyond the 1 byte of an empty one. */
function bin(len: number): number {
  return u(len) + len;
}

/** Bytes a text string takes beyond the 1 byte of an empty one. */
function str(s: string): number {
  return bin(utf8Length(s));
}
