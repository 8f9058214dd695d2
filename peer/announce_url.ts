/**
 * Announce URLs, `<tracker>/c/<channel>`: the tracker to ask and the channel's ed25519 key,
 * against which the peer checks every block (so it never has to trust the tracker).
 */
import { parseChannelId } from "../lib/channel/channel_id.ts";

/** What an announce URL names. */
export interface AnnounceTarget {
  /** Tracker base URL, no trailing slash. */
  readonly tracker: string;
  readonly channel: string;
  /** The channel's public key. */
  readonly key: Uint8Array;
}

/**
 * Parses an announce URL; an Error says what is wrong with it.
 *
 * @example
 * ```ts
 * import { parseAnnounceUrl } from "./announce_url.ts";
 * const t = parseAnnounceUrl("http://127.0.0.1:8000/c/GX9rI-FshTLGq8g4-s1ep4m-DHaykgM0A5v6iz02jWE");
 * if (t instanceof Error || t.tracker !== "http://127.0.0.1:8000") throw new Error();
 * ```
 */
export function parseAnnounceUrl(text: string): AnnounceTarget | Error {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return new Error(`"${text}" is not a URL; want <tracker>/c/<channel>`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    return new Error(`an announce URL is http or https, got "${u.protocol}"`);
  }
  const m = u.pathname.match(/^(.*)\/c\/([^/]+)\/?$/);
  if (!m) return new Error(`"${text}" has no /c/<channel> path; want <tracker>/c/<channel>`);
  const key = parseChannelId(m[2]);
  if (!key) return new Error(`"${m[2]}" is not a channel id (43 base64url characters)`);
  return { tracker: `${u.origin}${m[1]}`, channel: m[2], key };
}
