/**
 * Keyed BLAKE2s (RFC 7693) for one fixed key, as the address guard (addr_guard.ts) uses it
 * for every cookie and ping nonce: the same bytes as `blake2s(input, { key, dkLen })` of
 * @noble/hashes, computed without allocating. The key's block is compressed once, when the
 * hasher is made, so a short input costs one compression instead of two; the working state
 * lives in typed arrays made once (noble's rounds allocate objects, a few kilobytes a hash).
 */

const IV = Uint32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
);

/** The message word order of each of the 10 rounds (RFC 7693, section 2.7). */
const SIGMA = Uint8Array.of(
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  ...[14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  ...[11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  ...[7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  ...[9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  ...[2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  ...[12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  ...[13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  ...[6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  ...[10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
);

const BLOCK = 64;

// Working state shared by every hasher (a hash runs to its end without yielding), so that a
// hasher per peer keeps only its keyed state.
const H = new Uint32Array(8);
const V = new Uint32Array(16);
const M = new Uint32Array(16);
const LAST = new Uint8Array(BLOCK);

/** BLAKE2s under one key (1-32 bytes), with `outLen` (1-32) bytes of output. */
export class KeyedBlake2s {
  readonly outLen: number;
  /** The chaining state once the key block is compressed. */
  readonly #keyed = new Uint32Array(8);
  /** The key, zero-padded to a block, and the parameter word of the first state word. */
  readonly #keyBlock = new Uint8Array(BLOCK);
  readonly #param: number;

  /** A hasher for `key` giving `outLen` bytes. */
  constructor(key: Uint8Array, outLen: number) {
    if (!(key.length >= 1 && key.length <= 32)) throw new RangeError("key of 1-32 bytes");
    if (!(Number.isInteger(outLen) && outLen >= 1 && outLen <= 32)) {
      throw new RangeError("output of 1-32 bytes");
    }
    this.outLen = outLen;
    this.#param = 0x01010000 ^ (key.length << 8) ^ outLen;
    this.#keyBlock.set(key);
    // As the first of several blocks (an empty input, whose last block is the key's, is
    // hashed apart in hash()).
    H.set(IV);
    H[0] ^= this.#param;
    compress(this.#keyBlock, 0, BLOCK, false);
    this.#keyed.set(H);
  }

  /** Writes the hash of `input` into `out` (at least `outLen` bytes) and returns it. */
  hash(input: Uint8Array, out: Uint8Array = new Uint8Array(this.outLen)): Uint8Array {
    const h = H;
    if (input.length === 0) {
      // The key block alone was the last block: start again and compress it as final.
      h.set(IV);
      h[0] ^= this.#param;
      compress(this.#keyBlock, 0, BLOCK, true);
    } else {
      h.set(this.#keyed);
      let t = BLOCK, at = 0;
      while (input.length - at > BLOCK) {
        t += BLOCK;
        compress(input, at, t, false);
        at += BLOCK;
      }
      LAST.fill(0);
      LAST.set(input.subarray(at));
      compress(LAST, 0, t + input.length - at, true);
    }
    for (let i = 0; i < this.outLen; i++) out[i] = h[i >> 2] >>> (8 * (i & 3));
    return out;
  }
}

/** Compresses the 64 bytes of `src` at `at` into the state H; `t` counts bytes so far. */
function compress(src: Uint8Array, at: number, t: number, last: boolean): void {
  const h = H, v = V, m = M;
  for (let i = 0; i < 16; i++) {
    const j = at + 4 * i;
    m[i] = src[j] | (src[j + 1] << 8) | (src[j + 2] << 16) | (src[j + 3] << 24);
  }
  for (let i = 0; i < 8; i++) {
    v[i] = h[i];
    v[i + 8] = IV[i];
  }
  v[12] ^= t;
  v[13] ^= Math.floor(t / 0x1_0000_0000);
  if (last) v[14] = ~v[14];
  for (let r = 0; r < 10; r++) {
    const s = r * 16;
    g(v, m, 0, 4, 8, 12, SIGMA[s], SIGMA[s + 1]);
    g(v, m, 1, 5, 9, 13, SIGMA[s + 2], SIGMA[s + 3]);
    g(v, m, 2, 6, 10, 14, SIGMA[s + 4], SIGMA[s + 5]);
    g(v, m, 3, 7, 11, 15, SIGMA[s + 6], SIGMA[s + 7]);
    g(v, m, 0, 5, 10, 15, SIGMA[s + 8], SIGMA[s + 9]);
    g(v, m, 1, 6, 11, 12, SIGMA[s + 10], SIGMA[s + 11]);
    g(v, m, 2, 7, 8, 13, SIGMA[s + 12], SIGMA[s + 13]);
    g(v, m, 3, 4, 9, 14, SIGMA[s + 14], SIGMA[s + 15]);
  }
  for (let i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

/** The mixing function G on words a, b, c, d of `v` with message words x, y of `m`. */
function g(
  v: Uint32Array,
  m: Uint32Array,
  a: number,
  b: number,
  c: number,
  d: number,
  x: number,
  y: number,
): void {
  let va = v[a], vb = v[b], vc = v[c], vd = v[d];
  va = (va + vb + m[x]) | 0;
  vd ^= va;
  vd = (vd >>> 16) | (vd << 16);
  vc = (vc + vd) | 0;
  vb ^= vc;
  vb = (vb >>> 12) | (vb << 20);
  va = (va + vb + m[y]) | 0;
  vd ^= va;
  vd = (vd >>> 8) | (vd << 24);
  vc = (vc + vd) | 0;
  vb ^= vc;
  vb = (vb >>> 7) | (vb << 25);
  v[a] = va;
  v[b] = vb;
  v[c] = vc;
  v[d] = vd;
}
