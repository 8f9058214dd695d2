import { assert, assertEquals } from "../../lib/testing.ts";
import type { Block, BlockMsg } from "../../lib/wire/messages.ts";
import type { NodeStats } from "../design.ts";
import { LinkQueue, SOCKET_BUFFER_BYTES } from "./link_queue.ts";

const data = (seq: number): Block => ({
  kind: "data",
  seq,
  srcTime: seq,
  payload: new Uint8Array(1128),
});
const fresh = (): NodeStats => ({ dropped: {}, repairAsked: 0, staleDropped: 0, duplicates: 0 });

Deno.test("control goes before blocks, blocks go in the order queued", () => {
  const q = new LinkQueue(12, SOCKET_BUFFER_BYTES);
  const s = fresh();
  q.block(0, "a", data(5), s);
  q.block(0, "b", data(6), s);
  q.control("c", { t: "alive" });
  const out = [q.next(1, s), q.next(1, s), q.next(1, s)];
  assertEquals(out.map((d) => d?.to), ["c", "a", "b"]);
  const m = out[1]!.msg as BlockMsg;
  assertEquals([m.t, m.club, m.block.seq], ["block", 5, 5]);
  assertEquals(q.next(1, s), undefined);
  assert(q.empty);
});

Deno.test("a full buffer drops new blocks, and blocks that waited too long are not sent", () => {
  const q = new LinkQueue(12, 5000, "fifo", 1500);
  const s = fresh();
  for (let i = 0; i < 6; i++) q.block(0, "a", data(i), s);
  assertEquals([q.blocks, s.dropped.full], [4, 2], "4 blocks of about 1.2 kB fit in 5 kB");
  assertEquals((q.next(1500, s)!.msg as BlockMsg).block.seq, 0, "1500 ms is not too long");
  q.block(1000, "a", data(9), s);
  assertEquals((q.next(1501, s)!.msg as BlockMsg).block.seq, 9, "the rest went stale");
  assertEquals(s.staleDropped, 3);
});

Deno.test("a fair queue sends to its receivers in turns, each one's blocks in order", () => {
  const q = new LinkQueue(12, Infinity, "fair");
  const s = fresh();
  for (let i = 0; i < 4; i++) q.block(0, "a", data(i), s);
  q.block(0, "b", data(10), s);
  q.block(0, "c", data(20), s);
  q.block(0, "b", data(11), s);
  const out: string[] = [];
  for (let d = q.next(1, s); d; d = q.next(1, s)) {
    out.push(`${d.to}${(d.msg as BlockMsg).block.seq}`);
  }
  assertEquals(out, ["a0", "b10", "c20", "a1", "b11", "a2", "a3"]);
  assert(q.empty);
});
