/**
 * A cheap stand-in for the real {@link AuthSuite} and {@link BatchSigner}, for the
 * simulator only.
 *
 * **NOT SECURE. Simulation only.** Leaves are an 8-byte non-cryptographic hash that looks
 * at seq, srcTime, the payload length and a sample of payload bytes (all of them when the
 * payload is at most 64 bytes, else 32 evenly spaced ones); anyone can craft a different
 * payload with the same leaf. The "signature" is an 8-byte keyed hash (a MAC, not a
 * signature) with the secret shared between the signer and every verifier. What it keeps
 * is the behaviour the simulator needs: an auth block made without the secret, or whose
 * leaves or header were changed, is rejected; a data block whose seq, srcTime, length or
 * sampled bytes differ from the signed one does not match its leaf. The simulator never
 * encodes these blocks (it sizes datagrams by shape), so the short leaves and sig never
 * reach a wire.
 */
import type { AuthBlock, DataBlock } from "../wire/messages.ts";
import { checkHeader } from "./batch_sig.ts";
import { authShapeOk, bytesEqual, isU32 } from "./shape.ts";
import type { AuthSuite, BatchSigner } from "./suite.ts";

/** Bytes in a stand-in leaf and in a stand-in sig. */
export const STANDIN_BYTES = 8;

/** Two murmur3-style 32-bit lanes: fast, well mixed, not cryptographic. */
class Hash64 {
  #a: number;
  #b: number;
  constructor(seed: number) {
    this.#a = (seed ^ 0x9e3779b9) | 0;
    this.#b = (seed ^ 0x85ebca6b) | 0;
  }
  /** Mixes in one 32-bit word. */
  word(x: number): this {
    let k = Math.imul(x | 0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    this.#a ^= k;
    this.#a = (Math.imul((this.#a << 13) | (this.#a >>> 19), 5) + 0xe6546b64) | 0;
    this.#b ^= Math.imul(k ^ (k >>> 16), 0x85ebca6b);
    this.#b = (Math.imul((this.#b << 17) | (this.#b >>> 15), 9) + 0x38b34ae5) | 0;
    return this;
  }
  /** Mixes in a non-negative integer up to 2^53 as two words. */
  num(x: number): this {
    return this.word(x >>> 0).word(Math.floor(x / 0x1_0000_0000));
  }
  /** Mixes in every byte. */
  bytes(b: Uint8Array): this {
    for (let i = 0; i < b.length; i++) this.word(b[i] | (i << 8));
    return this;
  }
  /** The 8-byte result (the state is finalised into a fresh array), two big-endian words. */
  digest(): Uint8Array {
    const out = new Uint8Array(STANDIN_BYTES);
    put32(out, 0, fmix(this.#a ^ Math.imul(this.#b, 0x27d4eb2f)));
    put32(out, 4, fmix(this.#b ^ Math.imul(this.#a, 0x165667b1)));
    return out;
  }
}

function put32(out: Uint8Array, at: number, x: number): void {
  out[at] = x >>> 24;
  out[at + 1] = x >>> 16;
  out[at + 2] = x >>> 8;
  out[at + 3] = x;
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function standinLeaf(tag: number, b: DataBlock): Uint8Array {
  const h = new Hash64(tag).num(b.seq).num(b.srcTime).word(b.payload.length);
  const p = b.payload;
  if (p.length <= 64) return h.bytes(p).digest();
  for (let i = 0; i < 32; i++) {
    const at = Math.floor((i * (p.length - 1)) / 31);
    h.word(p[at] | (at << 8));
  }
  return h.digest();
}

function standinSig(secret: number, tag: number, a: Omit<AuthBlock, "sig">): Uint8Array {
  const h = new Hash64(secret ^ 0x5bd1e995).word(tag).num(a.seq).num(a.srcTime);
  h.word(a.count).num(a.bitrate).word(a.threshold);
  for (const leaf of a.leaves) h.bytes(leaf);
  return h.word(secret).digest();
}

/** Options of {@link standinPair}. */
export interface StandinOptions {
  /**
   * Remember each block object's leaf and each auth block object's verdict, so a block
   * relayed to thousands of simulated peers is hashed once. Only for callers whose blocks
   * are never mutated once made (the simulator's are shared, read-only objects): a block
   * changed in place would keep its old answer.
   */
  readonly memoize?: boolean;
}

function memoized(
  leaf: (block: DataBlock) => Uint8Array,
  verifyAuth: (auth: AuthBlock) => boolean,
): AuthSuite {
  const leaves = new WeakMap<DataBlock, Uint8Array>();
  const verdicts = new WeakMap<AuthBlock, boolean>();
  return {
    leaf: (block) => {
      if (typeof block !== "object" || block === null) return leaf(block);
      let l = leaves.get(block);
      if (l === undefined) leaves.set(block, l = leaf(block));
      return l;
    },
    verifyAuth: (auth) => {
      if (typeof auth !== "object" || auth === null) return verifyAuth(auth);
      let ok = verdicts.get(auth);
      if (ok === undefined) verdicts.set(auth, ok = verifyAuth(auth));
      return ok;
    },
  };
}

/**
 * A matching stand-in verifier and signer sharing the 32-bit `secret`, on channel `tag`.
 * NOT secure (see the module comment): for the simulator only.
 *
 * @example
 * ```ts
 * import { standinPair } from "./standin.ts";
 * const { suite, signer } = standinPair(42, 7);
 * const data = { kind: "data" as const, seq: 0, srcTime: 0, payload: new Uint8Array(4) };
 * const auth = signer.seal(
 *   { seq: 1, srcTime: 0, count: 1, bitrate: 0, threshold: 0 }, [suite.leaf(data)]);
 * if (!suite.verifyAuth(auth)) throw new Error();
 * if (standinPair(43, 7).suite.verifyAuth(auth)) throw new Error("other secret");
 * ```
 */
export function standinPair(
  secret: number,
  tag: number,
  opts: StandinOptions = {},
): { suite: AuthSuite; signer: BatchSigner } {
  if (!isU32(tag)) throw new RangeError(`bad channel tag ${tag}`);
  const key = secret | 0;
  const leaf = (block: DataBlock) => standinLeaf(tag, block);
  const verifyAuth = (auth: AuthBlock) =>
    authShapeOk(auth, STANDIN_BYTES, STANDIN_BYTES) &&
    bytesEqual(auth.sig, standinSig(key, tag, auth));
  const suite: AuthSuite = opts.memoize ? memoized(leaf, verifyAuth) : { leaf, verifyAuth };
  const signer: BatchSigner = {
    seal: (fields, leaves) => {
      checkHeader(fields);
      if (leaves.length !== fields.count) {
        throw new RangeError(`count ${fields.count} but ${leaves.length} leaves`);
      }
      const { seq, srcTime, count, bitrate, threshold } = fields;
      const unsigned = { kind: "auth" as const, seq, srcTime, count, bitrate, threshold };
      const withLeaves = { ...unsigned, leaves: [...leaves] };
      return { ...withLeaves, sig: standinSig(key, tag, withLeaves) };
    },
  };
  return { suite, signer };
}
