import { assertEquals } from "../lib/testing.ts";
import { Rng } from "../lib/rand.ts";
import { EventQueue, MAX_NODES } from "./event_queue.ts";

Deno.test("pops by time, ties in insertion order", () => {
  const q = new EventQueue();
  q.push(5, 0, 1);
  q.push(1, 0, 2);
  q.push(5, 0, 3);
  q.push(0, 0, 4);
  q.push(1, 0, 5);
  const order = [];
  for (let e = q.pop(); e; e = q.pop()) order.push(e.node);
  assertEquals(order, [4, 2, 5, 1, 3]);
});

Deno.test("a random load comes out sorted", () => {
  const q = new EventQueue();
  const r = new Rng(3);
  for (let i = 0; i < 5000; i++) q.push(r.int(1000), 0, i);
  let last = -1, lastSeq = -1, n = 0;
  for (let e = q.pop(); e; e = q.pop()) {
    if (e.time < last || (e.time === last && e.seq < lastSeq)) throw new Error("out of order");
    last = e.time;
    lastSeq = e.seq;
    n++;
  }
  assertEquals(n, 5000);
});

Deno.test("next() exposes the event in fields, reuses slots, and keeps payloads", () => {
  const q = new EventQueue();
  const msg = { hello: 1 };
  q.push(2, 7, 3, 9, msg, 120);
  q.push(1, 1, 4);
  assertEquals(q.next(), true);
  assertEquals([q.time, q.kind, q.node, q.a, q.b, q.size], [
    1,
    1,
    4,
    undefined,
    undefined,
    undefined,
  ]);
  assertEquals(q.next(), true);
  assertEquals([q.time, q.kind, q.node, q.a, q.b, q.size], [2, 7, 3, 9, msg, 120]);
  assertEquals(q.next(), false);
  // Thousands of events through a queue that never holds more than a few: all in order.
  const r = new Rng(5);
  let t = 0, out = 0, last = -1;
  for (let i = 0; i < 20_000; i++) {
    q.push(t + r.int(50), 0, i);
    if (i % 2 === 1) {
      q.next();
      if (q.time < last) throw new Error("out of order");
      last = t = q.time;
      out++;
    }
  }
  while (q.next()) out++;
  assertEquals(out, 20_000);
  assertEquals(q.length, 0);
  assertEquals(q.peekTime(), Infinity);
});

Deno.test("a slot gives back its kind, a large node and a size of 0 as pushed", () => {
  const q = new EventQueue();
  q.push(1, 15, 123_456_789, undefined, undefined, 0);
  q.push(2, 0, 0, "x");
  assertEquals(q.next(), true);
  assertEquals([q.kind, q.node, q.size], [15, 123_456_789, 0]);
  assertEquals(q.next(), true);
  assertEquals([q.kind, q.node, q.size, q.a], [0, 0, undefined, "x"]);
});

Deno.test("a kind that does not fit beside the node is refused", () => {
  const q = new EventQueue();
  for (const bad of [-1, 16, 1.5, NaN]) {
    let threw = false;
    try {
      q.push(0, bad, 1);
    } catch (e) {
      threw = e instanceof RangeError;
    }
    assertEquals(threw, true, `kind ${bad}`);
  }
  assertEquals(q.length, 0);
});

Deno.test("a node that does not fit beside the kind is refused", () => {
  const q = new EventQueue();
  for (const bad of [-1, MAX_NODES, 2.5, NaN]) {
    let threw = false;
    try {
      q.push(0, 1, bad);
    } catch (e) {
      threw = e instanceof RangeError;
    }
    assertEquals(threw, true, `node ${bad}`);
  }
  q.push(0, 1, MAX_NODES - 1);
  q.next();
  assertEquals([q.kind, q.node], [1, MAX_NODES - 1]);
});

Deno.test("events pushed with a tie number are ordered by it at equal times", () => {
  const q = new EventQueue();
  q.pushTie(5, 30, 0, 1);
  q.pushTie(5, -2, 0, 2);
  q.pushTie(1, 99, 0, 3);
  q.pushTie(5, 4, 0, 4);
  const order = [];
  for (let e = q.pop(); e; e = q.pop()) order.push(e.node);
  assertEquals(order, [3, 2, 4, 1]);
});
