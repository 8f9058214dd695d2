import { assertEquals, assertNotEquals, assertThrows } from "../testing.ts";
import { BATCH_MESSAGE_BYTES, type BatchHeader, batchMessage } from "./batch_sig.ts";

const header: BatchHeader = {
  seq: 2 ** 40 + 12,
  srcTime: 1000,
  count: 12,
  bitrate: 3_000_000,
  threshold: 250,
};
const root = new Uint8Array(16).map((_, i) => i + 100);

Deno.test("batchMessage lays out the fields fixed-width, big-endian", () => {
  const m = batchMessage(0xa1b2c3d4, header, root);
  assertEquals(m.length, 69);
  assertEquals(BATCH_MESSAGE_BYTES, 69);
  assertEquals(new TextDecoder().decode(m.subarray(0, 17)), "clubcast/batch/v1");
  assertEquals([...m.subarray(17, 21)], [0xa1, 0xb2, 0xc3, 0xd4]);
  assertEquals([...m.subarray(21, 29)], [0, 0, 1, 0, 0, 0, 0, 12]);
  assertEquals([...m.subarray(29, 37)], [0, 0, 0, 0, 0, 0, 0x03, 0xe8]);
  assertEquals([...m.subarray(37, 41)], [0, 0, 0, 12]);
  assertEquals([...m.subarray(41, 49)], [0, 0, 0, 0, 0, 0x2d, 0xc6, 0xc0]);
  assertEquals([...m.subarray(49, 53)], [0, 0, 0, 250]);
  assertEquals(m.subarray(53), root);
});

Deno.test("batchMessage changes with every field", () => {
  const base = batchMessage(1, header, root);
  for (
    const change of [{ seq: header.seq + 1 }, { srcTime: 1 }, { count: 11 }, { bitrate: 1 }, {
      threshold: 251,
    }]
  ) {
    assertNotEquals(batchMessage(1, { ...header, ...change }, root), base);
  }
  assertNotEquals(batchMessage(2, header, root), base);
  assertNotEquals(batchMessage(1, header, new Uint8Array(16)), base);
});

Deno.test("batchMessage refuses fields that do not fit", () => {
  const bad: Partial<BatchHeader>[] = [
    { count: 0 },
    { count: 33 },
    { seq: 11 }, // the batch would start at seq -1
    { bitrate: 1.5 },
    { bitrate: -1 },
    { threshold: 2 ** 32 },
    { srcTime: -1 },
  ];
  for (const b of bad) assertThrows(() => batchMessage(1, { ...header, ...b }, root), RangeError);
  assertThrows(() => batchMessage(1, header, new Uint8Array(15)), RangeError);
  // A root of wire version 1's width (a whole sha256 digest) is refused, not truncated.
  assertThrows(() => batchMessage(1, header, new Uint8Array(32)), RangeError);
  assertThrows(() => batchMessage(-1, header, root), RangeError);
});
