import { assert, assertEquals, assertThrows } from "../testing.ts";
import { channelIdOf, isChannelId, parseChannelId } from "./channel_id.ts";

Deno.test("a channel id is the 43-character base64url of a 32-byte key", () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
  const id = channelIdOf(key);
  assertEquals(id.length, 43);
  assertEquals(parseChannelId(id), key);
  assert(isChannelId(id));
});

Deno.test("parseChannelId refuses anything but a canonical 32-byte key", () => {
  const id = channelIdOf(new Uint8Array(32).fill(255));
  assertEquals(parseChannelId(id + "A"), null);
  assertEquals(parseChannelId(id.slice(1)), null);
  assertEquals(parseChannelId(id.slice(0, 42) + "="), null);
  assertEquals(parseChannelId(id.slice(0, 42) + "/"), null);
  // The last character of a 32-byte key carries 2 spare bits that must be zero.
  assertEquals(parseChannelId(id.slice(0, 42) + "_"), null);
  assertEquals(parseChannelId(42), null);
  assert(!isChannelId(undefined));
});

Deno.test("channelIdOf throws on a key of the wrong size", () => {
  assertThrows(() => channelIdOf(new Uint8Array(31)), TypeError);
});
