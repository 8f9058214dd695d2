import { assertEquals, assertThrows } from "../testing.ts";
import { channelTag } from "./tag.ts";

Deno.test("channelTag reads the key's first 4 bytes big-endian, unsigned", () => {
  const key = new Uint8Array(32).fill(0xff);
  key.set([0x80, 0, 0, 1]);
  assertEquals(channelTag(key), 0x80000001);
  assertThrows(() => channelTag(new Uint8Array(3)), RangeError);
});
