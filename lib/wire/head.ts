/**
 * A look at a datagram's first bytes, before any decoding: a flood of junk costs a full CBOR
 * decode (and, mostly, a thrown error) per datagram, 20-60 µs each on the machines here,
 * while most junk shows at its first four bytes that it is no datagram of this channel.
 */
import { WIRE_VERSION } from "./budget.ts";
import { TYPE_LENGTH } from "./layout.ts";

/**
 * The channel tag in the head `[array, WIRE_VERSION, tag, type, ...]` of `bytes`, read without decoding
 * the rest; null when the bytes cannot be a datagram (decodeDatagram would refuse them: not
 * an array, another version, a type code that does not exist, or an array whose length is not
 * that type's); undefined when the head is written in a form this does not read (a float or a
 * CBOR tag where an integer is expected, which the decoder tolerates): decode to know.
 *
 * @example
 * ```ts
 * import { headTag } from "./head.ts";
 * import { encodeDatagram } from "./codec.ts";
 * if (headTag(encodeDatagram(0xdeadbeef, { t: "find", club: 1, nonce: 2, cookie: 0 })) !== 0xdeadbeef) {
 *   throw new Error("head");
 * }
 * if (headTag(new Uint8Array([0x47, 0x40])) !== null) throw new Error("not an array");
 * ```
 */
export function headTag(bytes: Uint8Array): number | null | undefined {
  const b0 = bytes[0];
  if (b0 === undefined) return null;
  // Major type 4 (array), 0x9c-0x9e reserved; major type 6 (a CBOR tag around it): unknown.
  if (b0 < 0x80 || b0 > 0x9f) return b0 >= 0xc0 && b0 <= 0xdb ? undefined : null;
  if (b0 >= 0x9c && b0 <= 0x9e) return null;
  // The element count (none for an indefinite-length array, 0x9f).
  let count = -1;
  if (b0 === 0x9f) next = 1;
  else if ((count = argument(bytes, 0)) < 0) return null;
  const version = uintAt(bytes, next);
  if (version < 0) return version === UNKNOWN ? undefined : null;
  if (version !== WIRE_VERSION) return null;
  const tag = uintAt(bytes, next);
  if (tag < 0) return tag === UNKNOWN ? undefined : null;
  if (tag > 0xffffffff) return null;
  // Most junk that gets this far carries a type code that does not exist, or not its
  // type's number of elements (mutated datagrams): refused here, not by a full decode.
  const type = uintAt(bytes, next);
  if (type === UNKNOWN) return tag;
  if (type < 0 || type >= TYPE_LENGTH.length) return null;
  return count < 0 || count === TYPE_LENGTH[type] ? tag : null;
}

// The readers below return a value, or one of these; where the next item starts is left in
// `next`: the head is read once per datagram received, and an object per item read was most
// of what it cost.
/** Cannot be a datagram. */
const REFUSED = -1;
/** Written in a form not read here (a float, a CBOR tag): the decoder's call. */
const UNKNOWN = -2;
let next = 0;

/** The unsigned integer at `at`, or REFUSED / UNKNOWN as above. */
function uintAt(b: Uint8Array, at: number): number {
  const h = b[at];
  if (h === undefined) return REFUSED;
  if (h <= 0x1b) return argument(b, at);
  // Negative integers, byte and text strings, arrays, maps: never the integer wanted. Floats
  // (major type 7) and CBOR tags (6) may still decode to one.
  return h >= 0x20 && h <= 0xbf ? REFUSED : UNKNOWN;
}

/**
 * The argument of the item at `at` (its low five bits, or the 1, 2, 4 or 8 bytes after
 * them), `next` set to where the next item starts; REFUSED when cut short or not a definite
 * argument.
 */
function argument(b: Uint8Array, at: number): number {
  const info = b[at] & 0x1f;
  if (info <= 0x17) {
    next = at + 1;
    return info;
  }
  const width = info === 0x18 ? 1 : info === 0x19 ? 2 : info === 0x1a ? 4 : info === 0x1b ? 8 : 0;
  if (width === 0 || at + 1 + width > b.length) return REFUSED;
  let v = 0;
  for (let i = 1; i <= width; i++) v = v * 256 + b[at + i];
  next = at + 1 + width;
  return v;
}
