/**
 * The fuzzer's datagrams: random bytes, random CBOR frames shaped like datagrams, and
 * mutations of real, validly signed datagrams (bit flips, byte changes, truncation,
 * extension, insertions and deletions, splices of two datagrams, and, at the CBOR level,
 * field swaps, fields replaced by other values or by another datagram's field, changed type
 * codes and versions).
 */
import { Decoder, Encoder } from "cbor-x";
import type { Rng } from "../../lib/rand.ts";
import { WIRE_VERSION } from "../../lib/wire/budget.ts";

/** How a datagram was made. */
export type Origin = "random" | "frame" | "mutated";

/** A fuzzed datagram and how it was made. */
export interface Fuzzed {
  readonly bytes: Uint8Array;
  readonly origin: Origin;
  /** The mutations applied, for a report that can replay a failure. */
  readonly ops: readonly string[];
}

const encoder = new Encoder({ useRecords: false, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, int64AsNumber: true } as never);
const INTS = [0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];

function bytesOf(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}

/** A random CBOR-encodable value of the kinds datagrams carry, and a few they do not. */
export function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth < 2 ? 10 : 8)) {
    case 0:
      return rng.pick(INTS) + (rng.chance(0.3) ? rng.int(3) - 1 : 0);
    case 1:
      return rng.int(1000);
    case 2:
      return rng.chance(0.5) ? -rng.int(1000) - 1 : rng.next() * 1e6;
    case 3:
      return bytesOf(rng, rng.chance(0.1) ? rng.int(1200) : rng.int(70));
    case 4:
      return String.fromCharCode(...bytesOf(rng, rng.int(70)).map((b) => 32 + (b % 95)));
    case 5:
      return rng.chance(0.5);
    case 6:
      return null;
    case 7:
      return rng.chance(0.5) ? undefined : {};
    default: {
      const n = rng.chance(0.1) ? rng.int(80) : rng.int(5);
      return Array.from({ length: n }, () => randomValue(rng, depth + 1));
    }
  }
}

function encode(v: unknown): Uint8Array | undefined {
  try {
    return new Uint8Array(encoder.encode(v));
  } catch {
    return undefined;
  }
}

/** Random bytes, mostly short, sometimes up to past the datagram limit. */
export function randomBytes(rng: Rng): Fuzzed {
  const n = rng.chance(0.25) ? rng.int(1300) : rng.int(64);
  return { bytes: bytesOf(rng, n), origin: "random", ops: [`random ${n}`] };
}

/** A random frame `[WIRE_VERSION, tag, type, ...fields]`: well-formed CBOR, random content. */
export function randomFrame(rng: Rng, tag: number): Fuzzed {
  const type = rng.int(12);
  const n = rng.int(9);
  const frame = [
    rng.chance(0.95) ? WIRE_VERSION : rng.int(3),
    rng.chance(0.9) ? tag : rng.int(2 ** 32),
    type,
  ];
  for (let i = 0; i < n; i++) frame.push(randomValue(rng) as number);
  return {
    bytes: encode(frame) ?? new Uint8Array(0),
    origin: "frame",
    ops: [`frame ${type}/${n}`],
  };
}

/** Byte-level mutations of `b`. */
function byteOp(rng: Rng, b: number[], other: Uint8Array): string {
  const at = rng.int(b.length + 1);
  // Flips and changed bytes keep the frame's length, so they more often get past CBOR.
  switch (rng.chance(0.6) ? rng.int(2) : 2 + rng.int(5)) {
    case 0: {
      const k = 1 + rng.int(8);
      for (let i = 0; i < k && b.length > 0; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
      return `flip ${k}`;
    }
    case 1:
      if (b.length > 0) b[at % b.length] = rng.int(256);
      return `set ${at}`;
    case 2:
      b.length = at;
      return `cut ${at}`;
    case 3: {
      const k = 1 + rng.int(rng.chance(0.2) ? 1200 : 16);
      b.push(...bytesOf(rng, k));
      return `extend ${k}`;
    }
    case 4:
      b.splice(at, 0, rng.int(256));
      return `insert ${at}`;
    case 5:
      b.splice(at, 1);
      return `delete ${at}`;
    default: {
      const from = rng.int(other.length + 1);
      b.splice(at, b.length - at, ...other.subarray(from));
      return `splice ${at}/${from}`;
    }
  }
}

/** Picks a random position inside nested arrays; returns [array, index] or undefined. */
function somewhere(rng: Rng, v: unknown[]): [unknown[], number] | undefined {
  if (v.length === 0) return undefined;
  let arr = v, i = rng.int(v.length);
  while (Array.isArray(arr[i]) && (arr[i] as unknown[]).length > 0 && rng.chance(0.5)) {
    arr = arr[i] as unknown[];
    i = rng.int(arr.length);
  }
  return [arr, i];
}

/** CBOR-level mutations of the frame `f` (with `g`, another valid frame, to borrow from). */
function fieldOp(rng: Rng, f: unknown[], g: unknown[]): string {
  switch (rng.int(5)) {
    case 0: {
      const i = rng.int(f.length), j = rng.int(f.length);
      [f[i], f[j]] = [f[j], f[i]];
      return `swap ${i} ${j}`;
    }
    case 1: {
      const at = somewhere(rng, f);
      if (at) at[0][at[1]] = randomValue(rng);
      return `replace ${at?.[1]}`;
    }
    case 2: {
      const i = 3 + rng.int(Math.max(1, f.length - 3)), j = rng.int(g.length);
      f[i] = g[j];
      return `borrow ${j}>${i}`;
    }
    case 3:
      f[2] = rng.int(12);
      return `type ${f[2]}`;
    default: {
      const at = somewhere(rng, f);
      if (!at) return "resize -";
      if (rng.chance(0.5)) at[0].splice(at[1], 1);
      else at[0].splice(at[1], 0, randomValue(rng));
      return `resize ${at[1]}`;
    }
  }
}

/** 1 to 4 mutations of `base`, at the byte or the CBOR level, `other` to borrow from. */
export function mutated(rng: Rng, base: Uint8Array, other: Uint8Array): Fuzzed {
  const ops: string[] = [];
  let bytes = base;
  // Mostly one mutation: each more makes it likelier the bytes stop being CBOR at all.
  const k = rng.chance(0.6) ? 1 : rng.chance(0.6) ? 2 : 3 + rng.int(2);
  for (let n = 0; n < k; n++) {
    let frame: unknown;
    if (rng.chance(0.5)) {
      try {
        frame = decoder.decode(bytes);
      } catch {
        frame = undefined;
      }
    }
    if (Array.isArray(frame) && frame.length > 0) {
      const g = decoder.decode(other) as unknown[];
      ops.push(fieldOp(rng, frame, g));
      bytes = encode(frame) ?? bytes;
    } else {
      const b = Array.from(bytes);
      ops.push(byteOp(rng, b, other));
      bytes = Uint8Array.from(b);
    }
  }
  return { bytes, origin: "mutated", ops };
}
