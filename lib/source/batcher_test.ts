import * as ed from "@noble/ed25519";
import { BlockAuthenticator } from "../auth/authenticator.ts";
import { standinPair } from "../auth/standin.ts";
import { type AuthSuite, type BatchSigner, ed25519Signer, ed25519Suite } from "../auth/suite.ts";
import { Rng } from "../rand.ts";
import { assert, assertEquals, assertThrows } from "../testing.ts";
import type { AuthBlock, Block, DataBlock } from "../wire/messages.ts";
import { Batcher, DEFAULT_BATCH_COUNT } from "./batcher.ts";

const { suite, signer } = standinPair(9, 1);
const payload = (n: number) => new Uint8Array(100).fill(n & 0xff);
const kinds = (bs: Block[]) => bs.map((b) => `${b.kind[0]}${b.seq}`).join(" ");

/** Checks that every auth block covers exactly the data blocks just before it. */
function checkRanges(blocks: Block[], leaf: (b: DataBlock) => Uint8Array) {
  blocks.forEach((b, i) => assertEquals(b.seq, blocks[0].seq + i, "consecutive seqs"));
  let batch: DataBlock[] = [];
  for (const b of blocks) {
    if (b.kind === "data") batch.push(b);
    else {
      assertEquals(b.count, batch.length);
      assertEquals(batch[0].seq, b.seq - b.count);
      assertEquals(b.leaves, batch.map(leaf));
      batch = [];
    }
  }
}

Deno.test("seqs are consecutive and each auth block follows its 12 data blocks", () => {
  const b = new Batcher({ signer, suite, firstSeq: 100, maxCount: 12 });
  const out: Block[] = [];
  for (let i = 0; i < 30; i++) out.push(...b.addPayload(i, payload(i), 1e6, 200));
  assertEquals(out.length, 32);
  assertEquals(out[12].kind, "auth");
  assertEquals(out[25].kind, "auth");
  assertEquals([out[12].seq, out[25].seq], [112, 125]);
  checkRanges(out, suite.leaf);
  assertEquals([b.nextSeq, b.open], [132, 6]);
  const auth = out[12] as AuthBlock;
  assertEquals([auth.srcTime, auth.bitrate, auth.threshold], [11, 1e6, 200]);
  assertEquals((out[13] as DataBlock).payload, payload(12));
});

Deno.test("a batch closes at its count: 12 by default, up to 32", () => {
  for (const maxCount of [undefined, 32]) {
    const b = new Batcher({ signer, suite, maxCount });
    const out: Block[] = [];
    for (let i = 0; i < 40; i++) out.push(...b.addPayload(i * 0.5, payload(i), 9e6, 200));
    const n = maxCount ?? DEFAULT_BATCH_COUNT;
    assertEquals(out.find((x) => x.kind === "auth")?.seq, n);
    assertEquals((out[n] as AuthBlock).count, n);
    checkRanges(out, suite.leaf);
  }
  assertEquals(DEFAULT_BATCH_COUNT, 12);
});

Deno.test("a batch closes 50 ms after its first block, by poll or by the next payload", () => {
  const b = new Batcher({ signer, suite });
  assertEquals(b.nextDeadline(), undefined);
  b.addPayload(0, payload(0), 0, 0);
  b.addPayload(20, payload(1), 0, 0);
  assertEquals(b.nextDeadline(), 50);
  assertEquals(b.poll(49.9, 0, 0), []);
  const closed = b.poll(50, 8000.4, 99.6);
  assertEquals(kinds(closed), "a2");
  const auth = closed[0] as AuthBlock;
  assertEquals([auth.count, auth.srcTime, auth.bitrate, auth.threshold], [2, 50, 8000, 100]);
  assertEquals(b.nextDeadline(), undefined);
  b.addPayload(60.7, payload(3), 0, 0);
  assertEquals(b.nextDeadline(), 110.7);
  const late = b.addPayload(130, payload(4), 0, 0); // nobody polled at 110.7
  assertEquals(kinds(late), "a4 d5");
  assertEquals((late[0] as AuthBlock).count, 1);
  assertEquals(b.nextDeadline(), 180);
  assertEquals(kinds(b.close(131, 0, 0)), "a6");
  assertEquals(b.close(132, 0, 0), []);
});

Deno.test("a batch closes with its block when the next is due only after its deadline", () => {
  // 100-byte payloads at 80 kbit/s: one every 10 ms.
  const run = (bitrate: number) => {
    const b = new Batcher({ signer, suite });
    return [0, 10, 20, 30, 41].map((t, i) => kinds(b.addPayload(t, payload(i), bitrate, 0)));
  };
  assertEquals(run(80_000), ["d0", "d1", "d2", "d3", "d4 a5"], "41 + 10 passes 50");
  assertEquals(run(0), ["d0", "d1", "d2", "d3", "d4"], "no estimate: the deadline decides");
  const b = new Batcher({ signer, suite });
  b.addPayload(0, payload(0), 80_000, 0);
  assertEquals(kinds(b.addPayload(40, payload(1), 80_000, 0)), "d1", "the next may come at 50");
});

Deno.test("a refused header leaves the batch open and the seq unused", () => {
  const b = new Batcher({ signer, suite, maxCount: 2 });
  b.addPayload(0, payload(0), 0, 0);
  assertThrows(() => b.addPayload(1, payload(1), 0, 2 ** 32), RangeError);
  assertThrows(() => b.close(1, -5, 0), RangeError);
  assertEquals([b.open, b.nextSeq], [2, 2]);
  assertEquals(kinds(b.close(2, 0, 0)), "a2");
});

Deno.test("misuse is refused", () => {
  assertThrows(() => new Batcher({ signer, suite, maxCount: 0 }), RangeError);
  assertThrows(() => new Batcher({ signer, suite, maxCount: 33 }), RangeError);
  assertThrows(() => new Batcher({ signer, suite, firstSeq: -1 }), RangeError);
  assertThrows(() => new Batcher({ signer, suite }).addPayload(-1, payload(0), 0, 0), RangeError);
});

/**
 * Drives a batcher like a source loop, polling exactly at each deadline: a fast stream for
 * the first half (gaps of 0-1 ms, so batches fill), random gaps after it.
 */
function run(s: AuthSuite, sign: BatchSigner, rng: Rng, n: number): Block[] {
  const b = new Batcher({ signer: sign, suite: s });
  const out: Block[] = [];
  let now = 0;
  for (let i = 0; i < n; i++) {
    now += i < n / 2 ? rng.pick([0, 1]) : rng.pick([0, 1, 3, 8, 30, 70]);
    for (let due = b.nextDeadline(); due !== undefined && due <= now; due = b.nextDeadline()) {
      out.push(...b.poll(due, 2e6, 300));
    }
    out.push(...b.addPayload(now, payload(i), 2e6, 300));
  }
  out.push(...b.close(now, 2e6, 300));
  return out;
}

for (
  const [name, kit] of [
    ["standin", { suite, signer }],
    [
      "ed25519",
      (() => {
        const k = ed.keygen(new Uint8Array(32).fill(8));
        return { suite: ed25519Suite(k.publicKey), signer: ed25519Signer(k.secretKey) };
      })(),
    ],
  ] as const
) {
  Deno.test(`${name}: the 50 ms bound holds and an authenticator verifies every block`, () => {
    const rng = new Rng(21);
    const blocks = run(kit.suite, kit.signer, rng, 400);
    checkRanges(blocks, kit.suite.leaf);
    const counts: number[] = [];
    for (const blk of blocks) {
      if (blk.kind === "auth") {
        const opened = (blocks[blk.seq - blk.count] as DataBlock).srcTime;
        const full = blk.count <= DEFAULT_BATCH_COUNT;
        assert(full && blk.srcTime - opened <= 50, `batch at ${blk.seq}`);
        counts.push(blk.count);
      }
    }
    assert(counts.includes(DEFAULT_BATCH_COUNT), "closed full");
    assert(counts.some((c) => c < DEFAULT_BATCH_COUNT), "closed by time");
    const a = new BlockAuthenticator(kit.suite);
    let ready = 0;
    for (const blk of rng.shuffle([...blocks])) ready += a.offer(blk, "source").ready.length;
    assertEquals(ready, blocks.length);
    assertEquals(a.counters.verified, blocks.length);
    assertEquals([a.counters.forged, a.pendingCount], [0, 0]);
  });
}
