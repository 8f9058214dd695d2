/**
 * Channel ids: a channel is named by its source's 32-byte ed25519 public key, written as
 * base64url without padding (43 characters). The announce URL carries it, so a peer can
 * check every block against the key without trusting the tracker.
 */
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";

/** Length in bytes of an ed25519 public key, hence of a decoded channel id. */
export const CHANNEL_KEY_BYTES = 32;

/** Length in characters of a channel id. */
export const CHANNEL_ID_CHARS = 43;

/**
 * The channel id of a public key.
 *
 * @example
 * ```ts
 * import { channelIdOf } from "./channel_id.ts";
 * if (channelIdOf(new Uint8Array(32)).length !== 43) throw new Error();
 * ```
 */
export function channelIdOf(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== CHANNEL_KEY_BYTES) {
    throw new TypeError(`a channel key is ${CHANNEL_KEY_BYTES} bytes`);
  }
  return encodeBase64Url(publicKey);
}

/**
 * The public key a channel id names, or null when the text is not a canonical 43-character
 * base64url encoding of 32 bytes. Never throws.
 */
export function parseChannelId(text: unknown): Uint8Array | null {
  if (typeof text !== "string" || text.length !== CHANNEL_ID_CHARS) return null;
  const key = decodeBase64Url(text);
  return key !== null && key.length === CHANNEL_KEY_BYTES ? key : null;
}

/** True when the text is a valid channel id. */
export function isChannelId(text: unknown): text is string {
  return parseChannelId(text) !== null;
}
