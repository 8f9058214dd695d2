/**
 * Run-length bit vectors with Elias-gamma run lengths (patent [0056]); the format is
 * specified in docs/protocol.md ("Bitfields"):
 *
 *   gamma(R + 1) · [first bit value · gamma(run 1) · … · gamma(run R)] · zero padding
 *
 * where R is the number of runs and runs alternate in value. Counting the runs up front
 * lets the decoder tell padding from data, and makes every encoding canonical.
 *
 * @example
 * ```ts
 * import { decodeRuns, encodeRuns } from "./runs.ts";
 * const bits = [true, true, true, false, true];
 * const bytes = encodeRuns(bits); // 00100 1 011 1 1 (+ padding) = [0x25, 0xe0]
 * const back = decodeRuns(bytes, 100);
 * if (!Array.isArray(back) || back.join() !== bits.join()) throw new Error("round trip");
 * ```
 */
import { BitReader, BitWriter, log2 } from "./bits.ts";

/** Bits in the Elias-gamma code of `n`: 2⌊log2 n⌋ + 1. Throws RangeError unless n >= 1. */
export function eliasGammaLength(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`gamma: ${n} is not a count >= 1`);
  return 2 * log2(n) + 1;
}

/** Run-length encodes `bits` (any length, including 0). */
export function encodeRuns(bits: readonly boolean[]): Uint8Array {
  const runs: number[] = [];
  for (let i = 0; i < bits.length;) {
    let j = i + 1;
    while (j < bits.length && bits[j] === bits[i]) j++;
    runs.push(j - i);
    i = j;
  }
  const w = new BitWriter();
  w.gamma(runs.length + 1);
  if (runs.length > 0) w.bit(bits[0]);
  for (const r of runs) w.gamma(r);
  return w.bytes();
}

/**
 * Decodes what {@link encodeRuns} wrote, refusing (never throwing on) anything malformed,
 * non-canonical (extra bytes, non-zero padding) or longer than `maxBits` bits.
 */
export function decodeRuns(bytes: Uint8Array, maxBits: number): boolean[] | { error: string } {
  if (!Number.isSafeInteger(maxBits) || maxBits < 0) {
    throw new RangeError(`decodeRuns: maxBits ${maxBits} is not a count`);
  }
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return { error: "bitfield: empty" };
  const r = new BitReader(bytes);
  const count = r.gamma() - 1;
  if (count < 0) return { error: "bitfield: truncated or oversized run count" };
  if (count > maxBits) return { error: `bitfield: ${count} runs exceed ${maxBits} bits` };
  const out: boolean[] = [];
  if (count > 0) {
    const first = r.bit();
    if (first < 0) return { error: "bitfield: truncated" }; // defensive: gamma codes are odd-length
    let value = first === 1;
    for (let i = 0; i < count; i++) {
      const len = r.gamma();
      if (len < 0) return { error: "bitfield: truncated or oversized run" };
      if (out.length + len > maxBits) return { error: `bitfield: longer than ${maxBits} bits` };
      for (let k = 0; k < len; k++) out.push(value);
      value = !value;
    }
  }
  // What is left must be the zero padding of the last byte, nothing more.
  if (Math.ceil(r.position / 8) !== bytes.length) return { error: "bitfield: trailing bytes" };
  for (let b = r.bit(); b >= 0; b = r.bit()) {
    if (b !== 0) return { error: "bitfield: non-zero padding" };
  }
  return out;
}
