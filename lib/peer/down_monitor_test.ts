import { assertEquals } from "../testing.ts";
import { DownMonitor } from "./down_monitor.ts";

const opts = { lossWindow: 64, maxLoss: 4 };

Deno.test("delay is measured against the base delay, whatever the clock offset", () => {
  // The source's clock is 1,000,000 ms ahead of ours: raw delays are negative.
  const m = new DownMonitor(0, opts);
  let n = 0;
  for (let t = 0; t < 1000; t += 10) {
    assertEquals(m.onBlock(t, t + 1_000_000 - 40, n++, 300), "ok");
  }
  assertEquals(m.excessMs, 0);
  // One late block is no congestion.
  assertEquals(m.onBlock(1000, 1000 + 1_000_000 - 40 - 350, n++, 300), "ok");
  // Queueing grows by 350 ms and stays: past the 300 ms threshold.
  let verdict = "ok";
  for (let t = 1010; t < 1100 && verdict === "ok"; t += 10) {
    verdict = m.onBlock(t, t + 1_000_000 - 40 - 350, n++, 300);
  }
  assertEquals(verdict, "delay");
});

Deno.test("a single gap is tolerated, sustained loss drops the connection", () => {
  const m = new DownMonitor(0, opts);
  assertEquals(m.onBlock(0, 0, 0, 300), "ok");
  assertEquals(m.onBlock(1, 1, 2, 300), "ok"); // one lost
  let n = 3, verdict = "ok";
  for (let i = 0; i < 5 && verdict === "ok"; i++) {
    n += 2; // every other datagram lost
    verdict = m.onBlock(2 + i, 2 + i, n, 300);
  }
  assertEquals(verdict, "loss");
});

Deno.test("losses age out of the window", () => {
  const m = new DownMonitor(0, opts);
  m.onBlock(0, 0, 0, 300);
  m.onBlock(1, 1, 4, 300); // three lost
  assertEquals(m.skippedBefore, 3);
  m.onBlock(2, 2, 5, 300);
  assertEquals(m.skippedBefore, 0);
  for (let n = 5; n < 200; n++) m.onBlock(n, n, n, 300);
  assertEquals(m.onBlock(200, 200, 201, 300), "ok"); // one more lost, but the old ones aged out
  assertEquals(m.lost, 4);
});

Deno.test("idle after idleMs without datagrams", () => {
  const m = new DownMonitor(100, opts);
  assertEquals(m.idle(2000, 2000), false);
  assertEquals(m.idle(2101, 2000), true);
});

Deno.test("reordered datagrams are not loss: a late one takes back its gap", () => {
  const m = new DownMonitor(0, opts);
  // Pairs swapped: 1 0 3 2 5 4 ... (each later one first).
  for (let k = 0; k < 100; k += 2) {
    assertEquals(m.onBlock(k, k, k + 1, 300), "ok");
    assertEquals(m.onBlock(k, k, k, 300), "ok");
  }
  assertEquals(m.lost, 0);
  assertEquals(m.reordered, 49, "the first 0 came before anything, not after a later one");
  // Real loss still counts: every other datagram from here on never comes.
  let n = 100, verdict = "ok";
  for (let i = 0; i < 10 && verdict === "ok"; i++) {
    verdict = m.onBlock(200 + i, 200 + i, n += 2, 300);
  }
  assertEquals(verdict, "loss");
});

Deno.test("a datagram older than the loss window changes nothing", () => {
  const m = new DownMonitor(0, opts);
  assertEquals(m.onBlock(0, 0, 0, 300), "ok");
  assertEquals(m.onBlock(1, 1, 2, 300), "ok"); // 1 skipped
  for (let n = 3; n < 100; n++) m.onBlock(n, n, n, 300);
  m.onBlock(100, 100, 1, 300); // far too late to say anything
  assertEquals(m.lost, 1);
  assertEquals(m.reordered, 0);
});

Deno.test("gaps the receiver's own socket explains are not the link's loss; the rest are", () => {
  const m = new DownMonitor(0, opts);
  assertEquals(m.onBlock(0, 0, 0, 300), "ok");
  // 20 lost, all excusable: the connection stays, nothing counted against it.
  assertEquals(m.onBlock(1, 1, 21, 300, 20), "ok");
  assertEquals([m.skippedBefore, m.excusedBefore, m.excused, m.lost], [20, 20, 20, 0]);
  // A late one of the excused is no reorder, and takes nothing back.
  m.onBlock(2, 2, 5, 300);
  assertEquals([m.reordered, m.lost], [0, 0]);
  // 20 more lost, 15 of them excusable: 5 held against the link, past maxLoss 4.
  assertEquals(m.onBlock(3, 3, 42, 300, 15), "loss");
  assertEquals([m.skippedBefore, m.excusedBefore, m.excused, m.lost], [20, 15, 35, 5]);
  // Without an excuse, the same gap on a fresh connection drops it too.
  const fresh = new DownMonitor(0, opts);
  fresh.onBlock(0, 0, 0, 300);
  assertEquals(fresh.onBlock(1, 1, 21, 300), "loss");
  assertEquals(fresh.excusedBefore, 0);
});
