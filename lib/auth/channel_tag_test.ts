import { assertEquals, assertThrows } from "../testing.ts";
import { channelTag } from "./channel_tag.ts";

Deno.test("channelTag is the key's first 4 bytes big-endian and wants 32 bytes", () => {
  const key = new Uint8Array(32).fill(7);
  key.set([0xff, 0x00, 0x10, 0x01]);
  assertEquals(channelTag(key), 0xff001001);
  assertEquals(channelTag(key.subarray(0)), 0xff001001);
  const offset = new Uint8Array(40);
  offset.set(key, 8);
  assertEquals(channelTag(offset.subarray(8)), 0xff001001);
  assertThrows(() => channelTag(new Uint8Array(31)), RangeError);
});
