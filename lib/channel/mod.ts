/**
 * Channel helpers shared by the tracker, the source and the peers: base64url, channel ids
 * and the signed registration.
 */
export { decodeBase64Url, encodeBase64Url } from "./base64url.ts";
export {
  CHANNEL_ID_CHARS,
  CHANNEL_KEY_BYTES,
  channelIdOf,
  isChannelId,
  parseChannelId,
} from "./channel_id.ts";
export {
  type Registration,
  registrationText,
  SIGNATURE_BYTES,
  signRegistration,
  verifyRegistration,
} from "./register.ts";
