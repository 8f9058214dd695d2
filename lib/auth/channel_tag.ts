/**
 * The channel tag: a 32-bit number naming a channel inside hash and signature inputs, so a
 * block or batch signed for one channel never reads as one of another. It is the same
 * number that starts every datagram (lib/wire/tag.ts); this entry point also insists on a
 * whole ed25519 key.
 */
import { channelTag as wireTag } from "../wire/tag.ts";

/**
 * The first 4 bytes of the channel's ed25519 public key, big-endian, as a uint32.
 * Throws RangeError unless the key is 32 bytes.
 *
 * @example
 * ```ts
 * import { channelTag } from "./channel_tag.ts";
 * const key = new Uint8Array(32);
 * key.set([0xde, 0xad, 0xbe, 0xef]);
 * if (channelTag(key) !== 0xdeadbeef) throw new Error();
 * ```
 */
export function channelTag(publicKey: Uint8Array): number {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new RangeError("an ed25519 public key is 32 bytes");
  }
  return wireTag(publicKey);
}
