/** The channel tag that starts every datagram (docs/protocol.md, "Datagrams"). */

/**
 * The channel tag of a channel: the first 4 bytes of its ed25519 public key read as a
 * big-endian unsigned 32-bit integer. It lets a peer drop datagrams of other channels
 * cheaply; authenticity still comes from the batch signatures.
 *
 * @example
 * ```ts
 * import { channelTag } from "./tag.ts";
 * if (channelTag(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1])) !== 0xdeadbeef) throw new Error();
 * ```
 */
export function channelTag(publicKey: Uint8Array): number {
  if (!(publicKey instanceof Uint8Array) || publicKey.length < 4) {
    throw new RangeError("channelTag: expected a public key of at least 4 bytes");
  }
  return ((publicKey[0] << 24) | (publicKey[1] << 16) | (publicKey[2] << 8) | publicKey[3]) >>> 0;
}
