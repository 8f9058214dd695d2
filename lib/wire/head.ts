/**
 * A look at a datagram's first bytes, before any decoding: a flood of junk costs a full CBOR
 * decode (and, mostly, a thrown error) per datagram, 20-60 µs each on the machines here,
 * while most junk shows at its first three bytes that it is no datagram of this channel.
 */

/**
 * The channel tag in the head `[array, 1, tag, ...]` of `bytes`, read without decoding the
 * rest; null when the bytes cannot be a datagram (decodeDatagram would refuse them);
 * undefined when the head is written in a form this does not read (a float or a CBOR tag
 * where an integer is expected, which the decoder tolerates): decode to know.
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
  let at: number;
  if (b0 >= 0x80 && b0 <= 0x97) at = 1;
  else if (b0 === 0x98) at = 2;
  else if (b0 === 0x99) at = 3;
  else if (b0 === 0x9a) at = 5;
  else if (b0 === 0x9b) at = 9;
  else if (b0 === 0x9f) at = 1;
  else return b0 >= 0xc0 && b0 <= 0xdb ? undefined : null;
  const version = uintAt(bytes, at);
  if (version === null || version === undefined) return version;
  if (version.value !== 1) return null;
  const tag = uintAt(bytes, version.next);
  if (tag === null || tag === undefined) return tag;
  return tag.value <= 0xffffffff ? tag.value : null;
}

/** The unsigned integer at `at`, with where the next item starts; null/undefined as above. */
function uintAt(b: Uint8Array, at: number): { value: number; next: number } | null | undefined {
  const h = b[at];
  if (h === undefined) return null;
  if (h <= 0x17) return { value: h, next: at + 1 };
  const width = h === 0x18 ? 1 : h === 0x19 ? 2 : h === 0x1a ? 4 : h === 0x1b ? 8 : 0;
  if (width > 0) {
    if (at + 1 + width > b.length) return null;
    let v = 0;
    for (let i = 1; i <= width; i++) v = v * 256 + b[at + i];
    return { value: v, next: at + 1 + width };
  }
  // Negative integers, byte and text strings, arrays, maps: never the integer wanted. Floats
  // (major type 7) and CBOR tags (6) may still decode to one.
  return h >= 0x20 && h <= 0xbf ? null : undefined;
}
