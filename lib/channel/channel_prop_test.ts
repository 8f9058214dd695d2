/**
 * Property tests of the channel decoders against hostile input: base64url text, channel ids
 * and registration signatures, from arbitrary strings and values and from mutations of valid
 * ones. The property throughout: never a throw, and whatever is accepted is canonical.
 */
import fc from "fast-check";
import { assert, assertEquals } from "../testing.ts";
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";
import { channelIdOf, parseChannelId } from "./channel_id.ts";
import { signRegistration, verifyRegistration } from "./register.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** Strings of base64url characters, mixed with anything else a URL or JSON could carry. */
const arbText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 90 }),
  fc.string({ unit: "binary", maxLength: 90 }),
  fc.string({ unit: fc.constantFrom(...ALPHABET, "=", "+", "/", "%", " ", "\u0000", "é") }),
);

/** `text` with the character at `i` replaced by `c`. */
function setChar(text: string, i: number, c: string): string {
  if (text.length === 0) return c;
  const k = i % text.length;
  return text.slice(0, k) + c + text.slice(k + 1);
}

Deno.test("prop: base64url decoding never throws and accepts only canonical text", () => {
  fc.assert(
    fc.property(arbText, (text) => {
      const bytes = decodeBase64Url(text);
      if (bytes !== null) assertEquals(encodeBase64Url(bytes), text);
    }),
    { numRuns: 5000 },
  );
});

Deno.test("prop: parseChannelId never throws; an accepted id names its key", () => {
  const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const mutatedId = fc.tuple(key, fc.nat(), fc.constantFrom(...ALPHABET, "=", "!", ""))
    .map(([k, i, c]) => setChar(channelIdOf(k), i, c));
  const anything = fc.anything({ withTypedArray: true, withBoxedValues: true });
  fc.assert(
    fc.property(fc.oneof(arbText, mutatedId, anything), (v) => {
      const k = parseChannelId(v);
      if (k === null) return;
      assertEquals(k.length, 32);
      assertEquals(channelIdOf(k), v);
    }),
    { numRuns: 5000 },
  );
});

Deno.test("prop: verifyRegistration never throws and refuses any change to a genuine one", () => {
  const secret = new Uint8Array(32).fill(3);
  const { channel, body } = signRegistration(secret, 12, 1_700_000_000_000);
  assert(verifyRegistration(channel, body.clubs, body.ts, body.sig));
  const change = fc.oneof(
    fc.record({ channel: fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET)) }),
    fc.record({ sig: fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET)) }),
    fc.record({ clubs: fc.oneof(fc.integer(), fc.double()) }),
    fc.record({ ts: fc.oneof(fc.integer(), fc.double()) }),
    fc.record({ junk: fc.tuple(arbText, arbText) }),
  );
  fc.assert(
    fc.property(change, (c) => {
      let { clubs, ts, sig } = body;
      let ch = channel;
      if ("channel" in c) ch = setChar(ch, ...c.channel);
      if ("sig" in c) sig = setChar(sig, ...c.sig);
      if ("clubs" in c) clubs = c.clubs;
      if ("ts" in c) ts = c.ts;
      if ("junk" in c) [ch, sig] = c.junk;
      const same = ch === channel && sig === body.sig && clubs === body.clubs &&
        String(ts) === String(body.ts);
      assertEquals(verifyRegistration(ch, clubs, ts, sig), same);
    }),
    { numRuns: 300 }, // each check is an ed25519 verification
  );
});
