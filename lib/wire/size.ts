/**
 * Datagram sizes without encoding: the simulator counts the bytes of millions of messages
 * and cannot afford cbor-x on each. The fixed part of each message shape is measured once
 * with the real encoder and memoized; what varies within a shape (how wide each integer,
 * how long each string or byte string) follows CBOR's simple length rules.
 */
import type { AuthBlock, Msg } from "./messages.ts";
import { LEAF_BYTES, MAX_U32, SIG_BYTES } from "./budget.ts";
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
 * block always counts `count` 32-byte leaves and a 64-byte signature. It does not check
 * the message; invalid messages get a size all the same.
 *
 * @example
 * ```ts
 * import { wireSize } from "./size.ts";
 * import { encodeDatagram } from "./codec.ts";
 * const m = { t: "find", club: 3, nonce: 1234 } as const;
 * if (wireSize(m) !== encodeDatagram(0xdeadbeef, m).length) throw new Error("size");
 * ```
 */
export function wireSize(msg: Msg): number {
  switch (msg.t) {
    case "block": {
      const b = msg.block;
      const ints = u(msg.club) + u(msg.hop) + u(msg.n) + u(b.seq) + u(b.srcTime);
      if (b.kind === "data") return frame("d", dataShape) + ints + bin(b.payload.length);
      return frame(`a${b.count}`, () => authShape(b.count)) + ints + u(b.bitrate) +
        u(b.threshold);
    }
    case "have":
    case "want": {
      const n = msg.seqs.length;
      const base = msg.t === "have"
        ? frame(`h${n}`, () => ({ t: "have", club: 0, seqs: zeros(n) })) + u(msg.club)
        : frame(`w${n}`, () => ({ t: "want", seqs: zeros(n) }));
      return base + sum(msg.seqs);
    }
    case "keepalive":
      return frame("k", () => ({ t: "keepalive", club: 0, lead: false })) + u(msg.club);
    case "ping":
      return frame("i", () => ({ t: "ping", nonce: 0 })) + u(msg.nonce);
    case "pong": {
      const n = msg.clubs.length;
      const shape = (): Msg => ({
        t: "pong",
        nonce: 0,
        you: "",
        clubs: zeros(n),
        up: 0,
        upIn: 0,
        down: 0,
        downIn: 0,
        full: false,
      });
      return frame(`o${n}`, shape) + u(msg.nonce) + str(msg.you) + sum(msg.clubs) +
        u(msg.up) + u(msg.upIn) + u(msg.down) + u(msg.downIn);
    }
    case "find":
      return frame("f", () => ({ t: "find", club: 0, nonce: 0 })) + u(msg.club) + u(msg.nonce);
    case "peers": {
      const n = msg.peers.length;
      let strs = 0;
      for (const p of msg.peers) strs += str(p);
      const shape = (): Msg => ({ t: "peers", club: 0, nonce: 0, peers: new Array(n).fill("") });
      return frame(`p${n}`, shape) + u(msg.club) + u(msg.nonce) + strs;
    }
    case "connect": {
      const n = msg.clubs.length;
      const have = msg.have === null ? null : { base: 0, bits: EMPTY };
      const shape = (): Msg => ({ t: "connect", club: 0, dir: "up", clubs: zeros(n), have });
      const bf = msg.have === null ? 0 : u(msg.have.base) + bin(msg.have.bits.length);
      return frame(`c${n}${have ? "b" : ""}`, shape) + u(msg.club) + sum(msg.clubs) + bf;
    }
    case "accept":
    case "drop":
      return frame(msg.t, () => ({ t: msg.t, club: 0, dir: "up" })) + u(msg.club);
  }
}

const EMPTY = new Uint8Array(0);
const cache = new Map<string, number>();

/** The encoded size of a shape with every integer 0 and every string empty, memoized. */
function frame(key: string, shape: () => Msg): number {
  let size = cache.get(key);
  if (size === undefined) {
    size = encodeCbor(layout(MAX_U32, shape())).length;
    cache.set(key, size);
  }
  return size;
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

function sum(vs: readonly number[]): number {
  let n = 0;
  for (const v of vs) n += u(v);
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
