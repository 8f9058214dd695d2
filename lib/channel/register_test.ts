import * as ed from "@noble/ed25519";
import { assert, assertEquals } from "../testing.ts";
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";
import { channelIdOf } from "./channel_id.ts";
import { registrationText, signRegistration, verifyRegistration } from "./register.ts";

const secret = new Uint8Array(32).fill(7);
const other = new Uint8Array(32).fill(9);

Deno.test("a signed registration verifies against its channel", () => {
  const { channel, body } = signRegistration(secret, 12, 1_700_000_000_000);
  assertEquals(channel, channelIdOf(ed.getPublicKey(secret)));
  assertEquals(decodeBase64Url(body.sig)?.length, 64);
  assert(verifyRegistration(channel, body.clubs, body.ts, body.sig));
  // The signature covers exactly this text.
  const sig = decodeBase64Url(body.sig)!;
  const text = new TextEncoder().encode(registrationText(channel, 12, 1_700_000_000_000));
  assert(ed.verify(sig, text, ed.getPublicKey(secret)));
});

Deno.test("changing any signed field, or the key, breaks the signature", () => {
  const { channel, body } = signRegistration(secret, 12, 1_700_000_000_000);
  assert(!verifyRegistration(channel, 13, body.ts, body.sig));
  assert(!verifyRegistration(channel, 12, body.ts + 1, body.sig));
  const forged = signRegistration(other, 12, 1_700_000_000_000).body.sig;
  assert(!verifyRegistration(channel, 12, body.ts, forged));
  const bytes = decodeBase64Url(body.sig)!;
  bytes[10] ^= 1;
  assert(!verifyRegistration(channel, 12, body.ts, encodeBase64Url(bytes)));
});

Deno.test("verifyRegistration returns false on malformed input instead of throwing", () => {
  const { channel, body } = signRegistration(secret, 12, 5);
  assert(!verifyRegistration("not-a-channel", 12, 5, body.sig));
  assert(!verifyRegistration(channel, 12, 5, "!!"));
  assert(!verifyRegistration(channel, 12, 5, body.sig.slice(0, 40)));
  // 32 bytes of 0xff is no curve point.
  const bogus = channelIdOf(new Uint8Array(32).fill(0xff).map((b, i) => i === 31 ? 0x7f : b));
  assert(!verifyRegistration(bogus, 12, 5, body.sig));
});

Deno.test("the test vector in docs/tracker-api.md", () => {
  const { channel, body } = signRegistration(new Uint8Array(32).fill(42), 12, 1_700_000_000_000);
  assertEquals(channel, "GX9rI-FshTLGq8g4-s1ep4m-DHaykgM0A5v6iz02jWE");
  assertEquals(
    body.sig,
    "12uM81suRw6934PNO9qC0z10dyT41gY_p3uEXtWcORCIHf_-0f19svxsWUBJya1BLu1gqLD-cV-Ta0XHJXeqCA",
  );
  assert(verifyRegistration(channel, 12, 1_700_000_000_000, body.sig));
});
