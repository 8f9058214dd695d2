import { assert, assertEquals } from "../testing.ts";
import type { UpConn } from "./conns.ts";
import { HaveLags } from "./have_lags.ts";
import { SeqSet } from "./seq_ring.ts";
import { type BlockClass, UploadQueue } from "./upload_queue.ts";

function conn(inClub: boolean): UpConn {
  return {
    kind: "up",
    remote: inClub ? "in" : "out",
    club: 0,
    inClub,
    toMember: inClub,
    since: 0,
    open: true,
    accepted: true,
    n: 0,
    lastKeepalive: 0,
    haves: new SeqSet(),
    lastHaveAt: -Infinity,
    sent: new SeqSet(),
    offered: undefined,
    lead: true,
    offers: false,
    haveLags: new HaveLags(),
    guardEpoch: -1,
    secret: 0,
    auditSeq: -1,
    auditAt: 0,
    auditMissed: 0,
  };
}

Deno.test("one out-of-club block goes after nine in-club blocks in a row", () => {
  const q = new UploadQueue(9);
  const cin = conn(true), cout = conn(false);
  for (let s = 0; s < 20; s++) q.block("in", cin, "in", s, 0);
  for (let s = 100; s < 103; s++) q.block("out", cout, "out", s, 0);
  const order: number[] = [];
  for (let item = q.nextBlock(() => true); item; item = q.nextBlock(() => true)) {
    order.push(item.seq);
  }
  assertEquals(order.slice(0, 11), [0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 9]);
  assertEquals(order.indexOf(101), 19);
  assertEquals(order.length, 23);
});

Deno.test("signature blocks first, then live, repairs, catch-up; control before all", () => {
  const q = new UploadQueue();
  const c = conn(true);
  const put = (cls: BlockClass, seq: number) => q.block(cls, c, "in", seq, 0);
  put("bulk", 1);
  put("repair", 4);
  put("in", 2);
  put("auth", 3);
  q.control("x", { t: "ping", nonce: 1, pad: 0 });
  assertEquals(q.nextControl()?.to, "x");
  const order = [];
  for (let i = q.nextBlock(() => true); i; i = q.nextBlock(() => true)) order.push(i.seq);
  assertEquals(order, [3, 2, 4, 1]);
});

Deno.test("blocks the caller rejects at send time are skipped", () => {
  const q = new UploadQueue();
  const c = conn(true);
  for (let s = 0; s < 4; s++) q.block("in", c, "in", s, 0);
  const got = [];
  for (let i = q.nextBlock((x) => x.seq % 2 === 1); i; i = q.nextBlock((x) => x.seq % 2 === 1)) {
    got.push(i.seq);
  }
  assertEquals(got, [1, 3]);
  assertEquals(q.empty, true);
});

Deno.test("held blocks are released when their own hold ends: a long hold keeps no shorter one waiting", () => {
  const q = new UploadQueue(9);
  const c = conn(true);
  q.hold(c, "in", 1, 0, 400);
  q.hold(c, "in", 2, 10, 250);
  q.hold(c, "in", 3, 20, 250);
  assertEquals(q.heldUntil(), 260);
  const sent = (now: number) => {
    q.release(now);
    const out: number[] = [];
    for (let item = q.nextBlock(() => true); item; item = q.nextBlock(() => true)) {
      out.push(item.seq);
    }
    return out;
  };
  assertEquals(sent(259), []);
  assertEquals(sent(260), [2]);
  assertEquals(q.heldUntil(), 270);
  assertEquals(sent(270), [3]);
  assertEquals(sent(399), []);
  assertEquals(sent(400), [1]);
  assertEquals(q.heldUntil(), undefined);
});

Deno.test("control messages are bounded: past maxControl waiting, new ones are dropped and counted", () => {
  const q = new UploadQueue(9, 100);
  for (let i = 0; i < 250; i++) q.control(`x${i}`, { t: "drop", club: 0, dir: "up", cookie: 0 });
  assertEquals([q.sizes().control, q.controlDropped], [100, 150]);
  assertEquals(q.nextControl()?.to, "x0", "the oldest are kept");
  assert(q.control("y", { t: "drop", club: 0, dir: "up", cookie: 0 }), "room again once one left");
});

Deno.test("nextBlock hands the caller's context and time to its test, and says each block's class", () => {
  const q = new UploadQueue();
  const c = conn(true);
  q.block("out", c, "o", 1, 0);
  q.block("auth", c, "a", 2, 0);
  const seen: [number, BlockClass, string, number][] = [];
  const keep = (it: { seq: number }, cls: BlockClass, ctx: string, now: number) => {
    seen.push([it.seq, cls, ctx, now]);
    return true;
  };
  assertEquals(q.nextBlock(keep, "ctx", 42)?.seq, 2);
  assertEquals(q.lastClass, "auth");
  assertEquals(q.nextBlock(keep, "ctx", 43)?.seq, 1);
  assertEquals(q.lastClass, "out");
  assertEquals(seen, [[2, "auth", "ctx", 42], [1, "out", "ctx", 43]]);
});
