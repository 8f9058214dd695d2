import { sha256 } from "@noble/hashes/sha2.js";
import { assertEquals, assertNotEquals, assertThrows } from "../testing.ts";
import type { DataBlock } from "../wire/messages.ts";
import { leafHash, merkleRoot } from "./merkle.ts";

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const block = (seq: number, srcTime: number, payload: number[]): DataBlock => ({
  kind: "data",
  seq,
  srcTime,
  payload: new Uint8Array(payload),
});

Deno.test("leafHash is the first 16 bytes of sha256 of 0x00, the domain, tag, seq, srcTime, payload", () => {
  const seq = 2 ** 32 + 5; // exercises both halves of the u64
  const bytes = [
    0x00,
    ...ascii("clubcast/leaf/v1"),
    ...[0x01, 0x02, 0x03, 0x04],
    ...[0, 0, 0, 1, 0, 0, 0, 5],
    ...[0, 0, 0, 0, 0, 0, 0x01, 0x00],
    ...[9, 8, 7],
  ];
  const leaf = leafHash(0x01020304, block(seq, 256, [9, 8, 7]));
  // The digest's first 16 bytes, in a buffer of their own (not a view of the 32).
  assertEquals(leaf, sha256(new Uint8Array(bytes)).subarray(0, 16));
  assertEquals([leaf.length, leaf.buffer.byteLength], [16, 16]);
});

Deno.test("leafHash changes with every field", () => {
  const base = leafHash(1, block(10, 20, [1, 2, 3]));
  assertNotEquals(leafHash(2, block(10, 20, [1, 2, 3])), base);
  assertNotEquals(leafHash(1, block(11, 20, [1, 2, 3])), base);
  assertNotEquals(leafHash(1, block(10, 21, [1, 2, 3])), base);
  assertNotEquals(leafHash(1, block(10, 20, [1, 2, 4])), base);
  assertNotEquals(leafHash(1, block(10, 20, [1, 2])), base);
});

Deno.test("leafHash refuses numbers that do not fit", () => {
  assertThrows(() => leafHash(-1, block(0, 0, [])), RangeError);
  assertThrows(() => leafHash(2 ** 32, block(0, 0, [])), RangeError);
  assertThrows(() => leafHash(0, block(-1, 0, [])), RangeError);
  assertThrows(() => leafHash(0, block(1.5, 0, [])), RangeError);
  assertThrows(() => leafHash(0, block(0, 2 ** 53, [])), RangeError);
});

const leaf = (n: number) => new Uint8Array(16).fill(n);
const node = (l: Uint8Array, r: Uint8Array) =>
  sha256(new Uint8Array([0x01, ...l, ...r])).subarray(0, 16);

Deno.test("merkleRoot: one leaf is the root, pairs hash with 0x01, odd nodes are promoted", () => {
  const [a, b, c, d, e] = [1, 2, 3, 4, 5].map(leaf);
  assertEquals(merkleRoot([a]), a);
  assertEquals(merkleRoot([a, b]), node(a, b));
  assertEquals(merkleRoot([a, b, c]), node(node(a, b), c));
  assertEquals(merkleRoot([a, b, c, d]), node(node(a, b), node(c, d)));
  assertEquals(merkleRoot([a, b, c, d, e]), node(node(node(a, b), node(c, d)), e));
});

Deno.test("merkleRoot depends on order and refuses an empty batch", () => {
  const [a, b, c] = [1, 2, 3].map(leaf);
  assertNotEquals(merkleRoot([a, b, c]), merkleRoot([b, a, c]));
  assertThrows(() => merkleRoot([]), RangeError);
});

Deno.test("merkleRoot refuses a leaf of another width, even a lone one", () => {
  const [a, b] = [1, 2].map(leaf);
  for (const bad of [new Uint8Array(32), new Uint8Array(15), new Uint8Array(17)]) {
    assertThrows(() => merkleRoot([bad]), RangeError);
    assertThrows(() => merkleRoot([a, b, bad]), RangeError);
  }
  assertEquals(merkleRoot([a, b]).length, 16);
});

Deno.test("merkleRoot: changing any bit of any truncated leaf changes the root", () => {
  const leaves = Array.from({ length: 12 }, (_, i) => leafHash(5, block(i, i, [i, 1, 2])));
  const root = merkleRoot(leaves);
  for (let i = 0; i < leaves.length; i++) {
    for (let bit = 0; bit < 16 * 8; bit += 13) {
      const tampered = leaves.map((l) => l.slice());
      tampered[i][bit >> 3] ^= 1 << (bit & 7);
      assertNotEquals(merkleRoot(tampered), root, `leaf ${i} bit ${bit}`);
    }
  }
});
