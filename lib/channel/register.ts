/**
 * The signed channel registration a source sends the tracker (`PUT /c/{channel}`): the
 * source's ed25519 key signs the UTF-8 text `clubcast/register/v1 {channel} {clubs} {ts}`,
 * so only the key holder can create or refresh its channel, and `ts` (unix ms) lets the
 * tracker refuse replays. Signing and verifying are synchronous (@noble/ed25519 with
 * @noble/hashes' sha512).
 */
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";
import { channelIdOf, parseChannelId } from "./channel_id.ts";

ed.hashes.sha512 = sha512;

const encoder = new TextEncoder();

/** Length in bytes of an ed25519 signature. */
export const SIGNATURE_BYTES = 64;

/**
 * The exact text a registration signs.
 *
 * @example
 * ```ts
 * import { registrationText } from "./register.ts";
 * const t = registrationText("AAAA", 12, 1700000000000);
 * if (t !== "clubcast/register/v1 AAAA 12 1700000000000") throw new Error();
 * ```
 */
export function registrationText(channel: string, clubs: number, ts: number): string {
  return `clubcast/register/v1 ${channel} ${clubs} ${ts}`;
}

/** The JSON body of `PUT /c/{channel}`. */
export interface Registration {
  readonly clubs: number;
  readonly ts: number;
  /** base64url of the 64-byte signature. */
  readonly sig: string;
}

/**
 * Signs a registration with a 32-byte ed25519 secret key; returns the channel id and the
 * body to PUT.
 */
export function signRegistration(
  secretKey: Uint8Array,
  clubs: number,
  ts: number,
): { channel: string; body: Registration } {
  if (!Number.isInteger(clubs) || clubs < 1) throw new RangeError(`bad club count ${clubs}`);
  if (!Number.isSafeInteger(ts) || ts < 0) throw new RangeError(`bad timestamp ${ts}`);
  const channel = channelIdOf(ed.getPublicKey(secretKey));
  const sig = ed.sign(encoder.encode(registrationText(channel, clubs, ts)), secretKey);
  return { channel, body: { clubs, ts, sig: encodeBase64Url(sig) } };
}

/**
 * True when `sig` (base64url) is the channel key's valid signature of the registration
 * text. Malformed channels, signatures or keys give false; never throws.
 */
export function verifyRegistration(
  channel: string,
  clubs: number,
  ts: number,
  sig: string,
): boolean {
  const key = parseChannelId(channel);
  const sigBytes = decodeBase64Url(sig);
  if (key === null || sigBytes === null || sigBytes.length !== SIGNATURE_BYTES) return false;
  try {
    return ed.verify(sigBytes, encoder.encode(registrationText(channel, clubs, ts)), key);
  } catch {
    // A key that is not a curve point makes noble throw; to the caller it is just invalid.
    return false;
  }
}
