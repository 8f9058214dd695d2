/**
 * The held-blocks bitfield of one club, sent when a peer opens a download connection so the
 * uploader knows what to skip (patent [0056]). Bit i stands for sequence number
 * `base + i * clubs`: a club holds every `clubs`-th block.
 *
 * @example
 * ```ts
 * import { decodeBitfield, makeBitfield } from "./bitfield.ts";
 * const held = new Set([3, 11, 19]);
 * const bf = makeBitfield((seq) => held.has(seq), 3, 8, 100); // club 3 of 8
 * const d = decodeBitfield(bf, 8);
 * if ("error" in d || !d.has(11) || d.has(27) || d.has(12)) throw new Error("bitfield");
 * ```
 */
import type { Bitfield } from "../wire/messages.ts";
import { decodeRuns, encodeRuns } from "./runs.ts";

/**
 * Most bits a bitfield may describe. The worst case for the run-length code is runs of
 * length 2 (3 bits of gamma code for every 2 bits of field), so n bits take at most
 * 1.5 n + 2 + 2⌊log2(n/2 + 1)⌋ bits; 2716 is the largest n for which that is within the
 * wire's 512-byte limit (MAX_BITFIELD_BYTES, docs/protocol.md).
 */
export const MAX_BITFIELD_BITS = 2716;

/** A decoded bitfield: which sequence numbers of the club are held. */
export interface HeldBlocks {
  readonly base: number;
  readonly clubs: number;
  /** Bit i is sequence number base + i * clubs; bits past the end are not held. */
  readonly bits: readonly boolean[];
  /** Whether `seq` is marked held. */
  has(seq: number): boolean;
}

/**
 * The bitfield of `count` sequence numbers `base, base + clubs, …` for which `held` is true.
 * Trailing unheld blocks are left out (bits past the end read as not held). Throws
 * RangeError if the arguments are not counts or `count` exceeds MAX_BITFIELD_BITS.
 */
export function makeBitfield(
  held: (seq: number) => boolean,
  base: number,
  clubs: number,
  count: number,
): Bitfield {
  checkCount(base, "base", Number.MAX_SAFE_INTEGER);
  checkStride(clubs);
  checkCount(count, "count", MAX_BITFIELD_BITS);
  const bits: boolean[] = [];
  let end = 0;
  for (let i = 0; i < count; i++) {
    const h = held(base + i * clubs);
    bits.push(h);
    if (h) end = i + 1;
  }
  bits.length = end;
  return { base, bits: encodeRuns(bits) };
}

/**
 * Decodes a bitfield received from a peer for a channel of `clubs` clubs. Never throws on
 * bad bits: a malformed field, or one describing more than `maxBits` blocks, is an error.
 */
export function decodeBitfield(
  bf: Bitfield,
  clubs: number,
  maxBits: number = MAX_BITFIELD_BITS,
): HeldBlocks | { error: string } {
  checkStride(clubs);
  const bits = decodeRuns(bf.bits, maxBits);
  if (!Array.isArray(bits)) return bits;
  const base = bf.base;
  return {
    base,
    clubs,
    bits,
    has(seq: number): boolean {
      const d = seq - base;
      if (d < 0 || d % clubs !== 0) return false;
      return bits[d / clubs] === true;
    },
  };
}

function checkCount(v: number, name: string, max: number): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new RangeError(`bitfield: ${name} ${v} is not an integer in 0..${max}`);
  }
}

function checkStride(clubs: number): void {
  if (!Number.isSafeInteger(clubs) || clubs < 1) {
    throw new RangeError(`bitfield: clubs ${clubs} must be an integer >= 1`);
  }
}
