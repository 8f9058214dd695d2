import * as ed from "@noble/ed25519";
import { assert, assertEquals, assertThrows } from "../testing.ts";
import type { AuthBlock, DataBlock } from "../wire/messages.ts";
import { channelTag } from "./channel_tag.ts";
import { leafHash } from "./merkle.ts";
import { ed25519Signer, ed25519Suite } from "./suite.ts";

const seed = (n: number) => new Uint8Array(32).fill(n);
const { secretKey, publicKey } = ed.keygen(seed(1));
const suite = ed25519Suite(publicKey);
const signer = ed25519Signer(secretKey);

const data = (seq: number): DataBlock => ({
  kind: "data",
  seq,
  srcTime: 500 + seq,
  payload: new Uint8Array(1128).fill(seq),
});
const batch = (first: number, count: number): AuthBlock =>
  signer.seal(
    { seq: first + count, srcTime: 900, count, bitrate: 2_500_000, threshold: 300 },
    Array.from({ length: count }, (_, i) => suite.leaf(data(first + i))),
  );

Deno.test("ed25519: a sealed batch verifies, with the header and leaves it was given", () => {
  const auth = batch(24, 12);
  assert(suite.verifyAuth(auth));
  assertEquals(auth.kind, "auth");
  assertEquals([auth.seq, auth.count, auth.bitrate, auth.threshold], [36, 12, 2_500_000, 300]);
  assertEquals(auth.leaves[3], leafHash(channelTag(publicKey), data(27)));
  assertEquals(auth.sig.length, 64);
  assertEquals(auth.leaves.map((l) => l.length), new Array(12).fill(16));
  assert(suite.verifyAuth(batch(0, 1)));
  assert(suite.verifyAuth(batch(100, 32)));
});

Deno.test("ed25519: any change to a signed field, a leaf or the sig is rejected", () => {
  const auth = batch(0, 12);
  const leaves = auth.leaves.map((l, i) => i === 5 ? l.map((x, j) => j === 0 ? x ^ 1 : x) : l);
  const sig = auth.sig.slice();
  sig[10] ^= 0x40;
  const changed: AuthBlock[] = [
    { ...auth, leaves },
    { ...auth, leaves: [...auth.leaves].reverse() },
    { ...auth, sig },
    { ...auth, bitrate: auth.bitrate + 1 },
    { ...auth, threshold: 301 },
    { ...auth, srcTime: 901 },
    { ...auth, seq: 13 },
  ];
  for (const c of changed) assertEquals(suite.verifyAuth(c), false);
});

Deno.test("ed25519: another key or another channel tag does not verify", () => {
  const auth = batch(0, 4);
  assertEquals(ed25519Suite(ed.keygen(seed(2)).publicKey).verifyAuth(auth), false);
  assertEquals(ed25519Suite(publicKey, channelTag(publicKey) ^ 1).verifyAuth(auth), false);
  const forger = ed25519Signer(ed.keygen(seed(3)).secretKey, channelTag(publicKey));
  const forged = forger.seal(
    { seq: 4, srcTime: 900, count: 4, bitrate: 2_500_000, threshold: 300 },
    auth.leaves,
  );
  assertEquals(suite.verifyAuth(forged), false);
});

Deno.test("ed25519: malformed auth blocks are rejected without throwing", () => {
  const auth = batch(0, 3);
  const bad = [
    { ...auth, count: 2 },
    { ...auth, leaves: [...auth.leaves, auth.leaves[0]] },
    { ...auth, leaves: [auth.leaves[0], auth.leaves[1], auth.leaves[2].subarray(1)] },
    { ...auth, sig: auth.sig.subarray(1) },
    { ...auth, sig: new Uint8Array(64).fill(0xff) },
    { ...auth, seq: 2 },
    { ...auth, bitrate: 0.5 },
    { ...auth, leaves: "x" as unknown as Uint8Array[] },
    // Leaves of wire version 1's width: the signed 16 bytes, padded to 32.
    { ...auth, leaves: auth.leaves.map((l) => Uint8Array.of(...l, ...new Uint8Array(16))) },
    { ...auth, leaves: [auth.leaves[0], auth.leaves[1], Uint8Array.of(...auth.leaves[2], 0)] },
  ];
  for (const b of bad) assertEquals(suite.verifyAuth(b as AuthBlock), false);
});

Deno.test("ed25519Signer refuses a count that disagrees with the leaves", () => {
  const leaves = [suite.leaf(data(0))];
  assertThrows(
    () => signer.seal({ seq: 2, srcTime: 0, count: 2, bitrate: 0, threshold: 0 }, leaves),
    RangeError,
  );
});
