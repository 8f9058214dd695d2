import * as ed from "@noble/ed25519";
import { assert, assertEquals } from "../testing.ts";
import type { AuthBlock, Block, DataBlock } from "../wire/messages.ts";
import { BlockAuthenticator } from "./authenticator.ts";
import { standinPair } from "./standin.ts";
import { type AuthSuite, type BatchSigner, ed25519Signer, ed25519Suite } from "./suite.ts";

interface Kit {
  readonly name: string;
  readonly suite: AuthSuite;
  readonly signer: BatchSigner;
  readonly rogue: BatchSigner; // same channel tag, wrong key
}

const key = ed.keygen(new Uint8Array(32).fill(4));
const KITS: Kit[] = [
  {
    name: "ed25519",
    suite: ed25519Suite(key.publicKey),
    signer: ed25519Signer(key.secretKey),
    rogue: ed25519Signer(ed.keygen(new Uint8Array(32).fill(5)).secretKey, 0),
  },
  { name: "standin", ...standinPair(77, 3), rogue: standinPair(78, 3).signer },
];

const data = (seq: number, fill = seq & 0xff): DataBlock => ({
  kind: "data",
  seq,
  srcTime: 10 * seq,
  payload: new Uint8Array(300).fill(fill),
});

/** The data blocks first..first+count-1 and the auth block at first+count. */
function batch(kit: Kit, first: number, count = 12, signer = kit.signer) {
  const blocks = Array.from({ length: count }, (_, i) => data(first + i));
  const auth = signer.seal(
    { seq: first + count, srcTime: 10 * (first + count), count, bitrate: 8000, threshold: 200 },
    blocks.map((b) => kit.suite.leaf(b)),
  );
  return { blocks, auth };
}

const seqs = (bs: readonly Block[]) => bs.map((b) => b.seq);

function eachKit(name: string, fn: (kit: Kit) => void) {
  for (const kit of KITS) Deno.test(`${kit.name}: ${name}`, () => fn(kit));
}

eachKit("a batch verifies when its auth block comes after its data", (kit) => {
  const a = new BlockAuthenticator(kit.suite);
  const { blocks, auth } = batch(kit, 0);
  for (const b of [...blocks].reverse()) assertEquals(a.offer(b, "p1").verdict, "pending");
  assertEquals(a.pendingCount, 12);
  assertEquals(a.isVerified(3), false);
  const r = a.offer(auth, "p2");
  assertEquals(r.verdict, "verified");
  assertEquals(seqs(r.ready), [12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assertEquals(r.ready[1], blocks[0]);
  assertEquals(r.forgedFrom, []);
  assertEquals(a.pendingCount, 0);
  for (let s = 0; s <= 12; s++) assert(a.isVerified(s));
  assertEquals(a.highestVerified, 12);
  assertEquals(a.counters, { verified: 13, forged: 0, pending: 12, duplicate: 0, stale: 0 });
});

eachKit("a batch verifies when its auth block comes first", (kit) => {
  const a = new BlockAuthenticator(kit.suite);
  const { blocks, auth } = batch(kit, 24);
  const r = a.offer(auth, "p1");
  assertEquals([r.verdict, seqs(r.ready)], ["verified", [36]]);
  assert(a.leafKnown(30) && !a.isVerified(30) && !a.leafKnown(36));
  for (const b of blocks) {
    const got = a.offer(b, "p2");
    assertEquals([got.verdict, got.ready], ["verified", [b]]);
  }
  assert(a.isVerified(30));
  assertEquals(a.offer(blocks[0], "p3").verdict, "duplicate");
});

eachKit("a tampered payload is forged, before or after its auth block", (kit) => {
  const a = new BlockAuthenticator(kit.suite);
  const { blocks, auth } = batch(kit, 0);
  const bad = { ...blocks[4], payload: blocks[4].payload.map((x, i) => i === 0 ? x ^ 1 : x) };
  assertEquals(a.offer(bad, "liar").verdict, "pending");
  const r = a.offer(auth, "src");
  assertEquals([r.verdict, r.forgedFrom], ["verified", ["liar"]]);
  assert(!a.isVerified(4) && a.leafKnown(4));
  assertEquals(a.offer({ ...bad, from: 1 } as DataBlock, "liar2").verdict, "forged");
  assertEquals(a.offer({ ...blocks[5], srcTime: 1 }, "liar3").verdict, "forged");
  assertEquals(a.offer(blocks[4], "honest").verdict, "verified");
  assertEquals(a.counters.forged, 3);
});

eachKit("a tampered leaf or a wrong key makes the auth block forged", (kit) => {
  const a = new BlockAuthenticator(kit.suite);
  const { blocks, auth } = batch(kit, 0);
  assertEquals(a.offer(blocks[2], "p").verdict, "pending");
  const leaves = auth.leaves.map((l, i) => i === 2 ? l.map((x) => x ^ 0xff) : l);
  const tampered: AuthBlock = { ...auth, leaves };
  assertEquals(a.offer(tampered, "liar").verdict, "forged");
  assertEquals(a.offer(batch(kit, 0, 12, kit.rogue).auth, "rogue").verdict, "forged");
  assert(!a.leafKnown(2) && !a.isVerified(12));
  assertEquals(a.pendingCount, 1, "the honest data still waits");
  assertEquals(seqs(a.offer(auth, "src").ready), [12, 2]);
});

eachKit("a replayed auth block is a duplicate and changes nothing", (kit) => {
  const a = new BlockAuthenticator(kit.suite);
  const { blocks, auth } = batch(kit, 0);
  a.offer(auth, "src");
  assertEquals(a.offer(auth, "p").verdict, "duplicate");
  const other = batch(kit, 0, 12).auth;
  const swapped = { ...other, leaves: [...other.leaves].reverse() };
  assertEquals(a.offer(swapped, "p").verdict, "duplicate");
  assertEquals(a.offer(blocks[0], "p").verdict, "verified");
});

eachKit("a forger and an honest peer on the same seq: the honest copy wins", (kit) => {
  const a = new BlockAuthenticator(kit.suite);
  const { blocks, auth } = batch(kit, 0);
  const fake = data(7, 0xee);
  assertEquals(a.offer(fake, "liar").verdict, "pending");
  assertEquals(a.offer(fake, "liar").verdict, "duplicate", "one slot per sender");
  assertEquals(a.offer(blocks[7], "honest").verdict, "pending");
  assertEquals(a.offer(blocks[7], "third").verdict, "duplicate", "slots are full");
  const r = a.offer(auth, "src");
  assertEquals(seqs(r.ready), [12, 7]);
  assertEquals(r.ready[1], blocks[7]);
  assertEquals(r.forgedFrom, ["liar"]);
  assertEquals(a.counters.forged, 1);
});

eachKit("data at an auth block's seq is forged, and an auth block at a data seq too", (kit) => {
  const a = new BlockAuthenticator(kit.suite);
  const first = batch(kit, 0);
  assertEquals(a.offer(data(12), "liar").verdict, "pending");
  assertEquals(a.offer(first.auth, "src").forgedFrom, ["liar"]);
  assertEquals(a.offer(data(12), "liar2").verdict, "forged");
  const wrapped = batch(kit, 0, 5).auth; // a real signature, but seq 5 carries data here
  assertEquals(a.offer(wrapped, "p").verdict, "forged");
});

eachKit("malformed blocks are forged without throwing", (kit) => {
  const a = new BlockAuthenticator(kit.suite);
  const junk = [
    null,
    { kind: "what" },
    { ...data(1), seq: -1 },
    { ...data(1), seq: 1.5 },
    { ...data(1), payload: [1, 2] },
    { ...batch(kit, 0).auth, seq: "12" },
    { ...batch(kit, 0).auth, count: 40 },
  ];
  for (const j of junk) assertEquals(a.offer(j as unknown as Block, "x").verdict, "forged");
});

eachKit("old seqs are stale, far-future data is not stored", (kit) => {
  const a = new BlockAuthenticator(kit.suite, { window: 100 });
  a.offer(batch(kit, 0).auth, "src");
  assertEquals(a.offer(data(112), "p").verdict, "pending"); // 12 + 100: the window's edge
  assertEquals(a.offer(data(112), "q").verdict, "pending");
  assertEquals(a.offer(data(113), "p").verdict, "stale");
  a.offer(batch(kit, 200).auth, "src");
  assertEquals(a.offer(data(99), "p").verdict, "stale");
  assertEquals(a.offer(batch(kit, 0).auth, "p").verdict, "stale");
  assert(!a.isVerified(12), "forgotten");
  assertEquals(a.pendingCount, 2, "both copies at 112 are still inside [112, 312]");
  assertEquals(a.offer(data(205), "p").verdict, "verified");
});

Deno.test("before anything verifies, at most `window` seqs wait", () => {
  const a = new BlockAuthenticator(KITS[1].suite, { window: 10 });
  for (let s = 0; s < 10; s++) assertEquals(a.offer(data(1000 * s), "p").verdict, "pending");
  assertEquals(a.offer(data(99_999), "p").verdict, "stale");
  assertEquals(a.offer(data(0), "q").verdict, "pending", "a second copy of a held seq fits");
  a.offer(batch(KITS[1], 2000).auth, "src"); // window [2002, 2022]: drops all but 2000
  assertEquals(a.pendingCount, 0);
});

/** Streams `n` seqs of batches, losing every third auth block and sending junk ahead. */
function stream(kit: Kit, n: number, window: number) {
  const a = new BlockAuthenticator(kit.suite, { window });
  let maxPending = 0;
  let verifiedData = 0;
  for (let first = 0, k = 0; first + 13 <= n; first += 13, k++) {
    const { blocks, auth } = batch(kit, first);
    for (const b of blocks) a.offer(b, "peer");
    a.offer(data(first + 40 * window, 1), "junk");
    if (k % 3 !== 2) verifiedData += a.offer(auth, "src").ready.length - 1;
    maxPending = Math.max(maxPending, a.pendingCount);
  }
  return { a, maxPending, verifiedData };
}

Deno.test("standin: memory stays bounded over 100k seqs", () => {
  const window = 256;
  const { a, maxPending, verifiedData } = stream(KITS[1], 100_000, window);
  // Unpruned, the data of every third batch would pile up: about 30k blocks.
  assert(maxPending <= 2 * (window + (window >> 2) + window + 1), `pending ${maxPending}`);
  assert(maxPending >= 24, "lost batches did wait for a while");
  // 7692 batches of 13 seqs; those with k % 3 === 2 lose their auth block: 5128 arrive.
  assertEquals(verifiedData, 5128 * 12);
  assertEquals(a.highestVerified, 99_982);
  assert(a.isVerified(99_975) && !a.isVerified(1000) && !a.leafKnown(1000));
});

Deno.test("ed25519: memory stays bounded over 2k seqs with a small window", () => {
  const { maxPending } = stream(KITS[0], 2000, 32);
  assert(maxPending <= 2 * (32 + 8 + 32 + 1), `pending ${maxPending}`);
});
