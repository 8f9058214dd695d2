/**
 * Bit-level writing and reading, most significant bit of each byte first, with the
 * Elias-gamma code on top. The reader never throws: reading past the end yields -1.
 */

/** Appends bits to a growing byte array; the last byte is zero-padded. */
export class BitWriter {
  #bytes: number[] = [];
  #n = 0;

  /** Number of bits written so far. */
  get length(): number {
    return this.#n;
  }

  /** Appends one bit. */
  bit(b: boolean | number): void {
    if ((this.#n & 7) === 0) this.#bytes.push(0);
    if (b) this.#bytes[this.#n >> 3] |= 0x80 >> (this.#n & 7);
    this.#n++;
  }

  /** Appends the Elias-gamma code of `n` (n >= 1): ⌊log2 n⌋ zeros, then n in binary. */
  gamma(n: number): void {
    const width = log2(n);
    for (let i = 0; i < width; i++) this.bit(0);
    for (let i = width; i >= 0; i--) this.bit(Math.floor(n / 2 ** i) % 2);
  }

  /** The bytes written, the last one padded with zero bits. */
  bytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/** Reads bits from a byte array; past the end every read answers -1. */
export class BitReader {
  #bytes: Uint8Array;
  #n = 0;

  /** Reads `bytes` from its first bit. */
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Number of bits consumed so far. */
  get position(): number {
    return this.#n;
  }

  /** The next bit (0 or 1), or -1 past the end. */
  bit(): number {
    if (this.#n >= this.#bytes.length * 8) return -1;
    const b = (this.#bytes[this.#n >> 3] >> (7 - (this.#n & 7))) & 1;
    this.#n++;
    return b;
  }

  /** The next Elias-gamma coded number, or -1 if truncated or above 2^53 - 1. */
  gamma(): number {
    let zeros = 0;
    for (;;) {
      const b = this.bit();
      if (b < 0) return -1;
      if (b === 1) break;
      if (++zeros > 52) return -1;
    }
    let n = 1;
    for (let i = 0; i < zeros; i++) {
      const b = this.bit();
      if (b < 0) return -1;
      n = n * 2 + b;
    }
    return Number.isSafeInteger(n) ? n : -1;
  }
}

/** ⌊log2 n⌋ for a safe integer n >= 1 (Math.log2 rounds near powers of two). */
export function log2(n: number): number {
  let w = 0;
  while (2 ** (w + 1) <= n) w++;
  return w;
}
