import { assertEquals } from "../lib/testing.ts";
import { EventQueue } from "./event_queue.ts";
import { NodeBatches } from "./node_batches.ts";

/** Takes every event of `q` into a fresh batch and groups it. */
function batchOf(q: EventQueue): NodeBatches {
  const batch = new NodeBatches();
  while (q.next()) batch.take(q);
  batch.group();
  return batch;
}

/** Each node's events as [time, tie, kind, a, b, size], node by node. */
function listed(batch: NodeBatches): Map<number, unknown[][]> {
  const out = new Map<number, unknown[][]>();
  for (let k = 0; k < batch.nodes; k++) {
    const node = batch.node(k);
    const list: unknown[][] = [];
    for (let at = batch.first(node); at < batch.end(node); at++) {
      const e = batch.at(at);
      list.push([
        batch.time(e),
        batch.tie(e),
        batch.kind(e),
        batch.a(e),
        batch.b(e),
        batch.size(e),
      ]);
    }
    out.set(node, list);
  }
  return out;
}

Deno.test("a window's events are grouped by node, each node's in the agenda's order", () => {
  const q = new EventQueue();
  const payload = { t: "block" };
  q.pushTie(5, 2, 1, 7, "x", payload, 1200);
  q.pushTie(1, 9, 0, 3);
  q.pushTie(5, 1, 2, 7);
  q.pushTie(2, 0, 3, 7, undefined, undefined, 0);
  q.pushTie(1, 4, 4, 3000);
  q.pushTie(3, 3, 5, 3);
  const batch = batchOf(q);
  assertEquals(batch.length, 6);
  // Nodes in the order of their first event (node 3's at time 1, tie 9, comes after 3000's).
  assertEquals([batch.node(0), batch.node(1), batch.node(2)], [3000, 3, 7]);
  assertEquals(
    listed(batch),
    new Map<number, unknown[][]>([
      [3000, [[1, 4, 4, undefined, undefined, undefined]]],
      [3, [[1, 9, 0, undefined, undefined, undefined], [3, 3, 5, undefined, undefined, undefined]]],
      [7, [[2, 0, 3, undefined, undefined, 0], [5, 1, 2, undefined, undefined, undefined], [
        5,
        2,
        1,
        "x",
        payload,
        1200,
      ]]],
    ]),
  );
});

Deno.test("a cleared batch starts afresh, and grows past its first arrays", () => {
  const batch = new NodeBatches();
  const q = new EventQueue();
  for (let round = 0; round < 2; round++) {
    // More events and nodes than the arrays first hold.
    for (let i = 0; i < 5000; i++) q.pushTie(i, i, round, (i * 7) % 2500, i);
    while (q.next()) batch.take(q);
    batch.group();
    assertEquals(batch.length, 5000);
    assertEquals(batch.nodes, 2500);
    for (let k = 0; k < batch.nodes; k++) {
      const node = batch.node(k);
      const times: number[] = [];
      for (let at = batch.first(node); at < batch.end(node); at++) {
        const e = batch.at(at);
        assertEquals(batch.kind(e), round);
        assertEquals(batch.a(e), batch.time(e));
        times.push(batch.time(e));
      }
      assertEquals(times.length, 2);
      assertEquals(times.every((t) => (t * 7) % 2500 === node), true);
      assertEquals(times[0] < times[1], true);
    }
    batch.clear();
    assertEquals([batch.length, batch.nodes], [0, 0]);
  }
});

Deno.test("the agenda's peekSeq gives the earliest event's tie", () => {
  const q = new EventQueue();
  assertEquals(q.peekSeq(), Infinity);
  q.pushTie(4, 8, 0, 1);
  q.pushTie(4, 3, 0, 2);
  q.pushTie(9, 1, 0, 3);
  assertEquals([q.peekTime(), q.peekSeq()], [4, 3]);
});
