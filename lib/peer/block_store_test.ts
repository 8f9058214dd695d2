import { assertEquals } from "../testing.ts";
import type { DataBlock } from "../wire/messages.ts";
import { BlockStore } from "./block_store.ts";

const blk = (seq: number): DataBlock => ({
  kind: "data",
  seq,
  srcTime: seq,
  payload: new Uint8Array(1),
});

Deno.test("keeps only the newest window of sequence numbers", () => {
  const s = new BlockStore(10);
  for (let i = 0; i < 100; i++) s.put(blk(i));
  assertEquals(s.size, 10);
  assertEquals(s.has(89), false);
  assertEquals(s.has(90), true);
  s.put(blk(5));
  assertEquals(s.has(5), false, "too old to keep");
});

Deno.test("lists one club's blocks newest first", () => {
  const s = new BlockStore(100);
  for (let i = 0; i < 30; i++) if (i !== 14) s.put(blk(i));
  assertEquals([...s.club(2, 4, 6)].map((b) => b.seq), [26, 22, 18, 10, 6]);
});

Deno.test("putAt tells when a held block was put, and nothing for one not held", () => {
  const s = new BlockStore(4);
  const block = (seq: number) => ({
    kind: "data" as const,
    seq,
    srcTime: 0,
    payload: new Uint8Array(1),
  });
  s.put(block(1), 100);
  s.put(block(2), 150);
  assertEquals(s.putAt(1), 100);
  assertEquals(s.putAt(2), 150);
  assertEquals(s.putAt(3), undefined);
  s.put(block(6), 300); // 1 and 2 fall out of the window
  assertEquals(s.putAt(1), undefined);
  assertEquals(s.putAt(6), 300);
});
