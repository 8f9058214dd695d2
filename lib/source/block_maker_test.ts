import { BlockAuthenticator } from "../auth/authenticator.ts";
import { standinPair } from "../auth/standin.ts";
import { assert, assertEquals } from "../testing.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import type { AuthBlock, Block } from "../wire/messages.ts";
import { BlockMaker } from "./block_maker.ts";

const { suite, signer } = standinPair(3, 7);

Deno.test("stream bytes become full blocks, signed in batches of 12, that a receiver verifies", () => {
  const m = new BlockMaker({ signer, suite, align: 1, thresholdMs: 800, batchCount: 12 });
  const out: Block[] = [];
  // 30 blocks' worth of bytes, one block every 2 ms (about 4.5 Mbit/s): batches fill up
  // before their 50 ms deadline.
  for (let i = 0; i < 30; i++) out.push(...m.input(i * 2, new Uint8Array(BLOCK_PAYLOAD).fill(i)));
  assertEquals(m.bytesIn, 30 * BLOCK_PAYLOAD);
  assertEquals(out.map((b) => b.seq), Array.from({ length: 32 }, (_, i) => i));
  assertEquals([out[12].kind, out[25].kind], ["auth", "auth"]);
  assertEquals((out[25] as AuthBlock).threshold, 800);
  const v = new BlockAuthenticator(suite, { window: 64 });
  const ready: number[] = [];
  for (const b of out) ready.push(...v.offer(b, "src").ready.map((r) => r.seq));
  assertEquals(ready.length, 26, "both closed batches verify");
});

Deno.test("a fast stream's batches fill to their count, a slower one's close at 50 ms", () => {
  const sizes = (gapMs: number, batchCount?: number) => {
    const m = new BlockMaker({ signer, suite, align: 1, thresholdMs: 800, batchCount });
    const counts: number[] = [];
    for (let i = 0; i < 100; i++) {
      for (const b of m.input(i * gapMs, new Uint8Array(BLOCK_PAYLOAD))) {
        if (b.kind === "auth") counts.push(b.count);
      }
    }
    return counts;
  };
  assertEquals(sizes(1, 32), [32, 32, 32], "9 Mbit/s: full batches of 32");
  // A block every 2.5 ms (3.6 Mbit/s): 20 in the 50 ms.
  assertEquals(sizes(2.5, 32).slice(0, 4), [20, 20, 20, 20], "the wait closes them");
  assert(sizes(2.5).every((c) => c === 12), "by default the count of 12 comes first");
});

Deno.test("signature blocks carry the measured bitrate once a second of input has passed", () => {
  const m = new BlockMaker({ signer, suite, align: 1, thresholdMs: 800 });
  const auths: AuthBlock[] = [];
  for (let i = 0; i < 600; i++) {
    for (const b of m.input(i * 2, new Uint8Array(BLOCK_PAYLOAD))) {
      if (b.kind === "auth") auths.push(b);
    }
  }
  assertEquals(auths[0].bitrate, 0, "no interval has closed yet");
  const bps = auths[auths.length - 1].bitrate, expect = (BLOCK_PAYLOAD * 8 * 1000) / 2;
  assert(Math.abs(bps - expect) < 0.02 * expect, `estimate ${bps}, input ${expect}`);
});

Deno.test("an open batch closes at its deadline, and end() flushes the rest", () => {
  const m = new BlockMaker({ signer, suite, align: 1, thresholdMs: 800, batchWaitMs: 50 });
  assertEquals(m.nextDeadline(), Infinity);
  const first = m.input(0, new Uint8Array(BLOCK_PAYLOAD * 2 + 10));
  assertEquals(first.map((b) => b.kind), ["data", "data"]);
  assertEquals(m.nextDeadline(), 20, "the 10 bytes left wait 20 ms for their block");
  assertEquals(m.poll(19), []);
  assertEquals(m.poll(20).map((b) => [b.kind, b.seq]), [["data", 2]]);
  assertEquals(m.nextDeadline(), 50, "the batch opened at 0 closes 50 ms later");
  assertEquals(m.poll(50).map((b) => [b.kind, b.seq]), [["auth", 3]]);
  assertEquals(m.nextDeadline(), Infinity);
  m.input(60, new Uint8Array(5));
  assertEquals(m.end(61).map((b) => b.kind), ["data", "auth"]);
});
