import { assert, assertEquals } from "../lib/testing.ts";
import { Rng } from "../lib/rand.ts";
import { Network } from "./network.ts";
import { placeLatency, placeNode } from "./regions.ts";

const opts = { minLatencyMs: 20, maxLatencyMs: 150, loss: 0.01, headerBytes: 28, seed: 1 };

Deno.test("latency is per pair, symmetric, within range and spread out", () => {
  const n = new Network(opts, new Rng(1));
  let lo = Infinity, hi = -Infinity;
  for (let a = 0; a < 50; a++) {
    for (let b = a + 1; b < 50; b++) {
      const l = n.latency(a, b);
      assertEquals(l, n.latency(b, a));
      lo = Math.min(lo, l);
      hi = Math.max(hi, l);
    }
  }
  assert(lo >= 20 && hi <= 150 && lo < 30 && hi > 140, `${lo}..${hi}`);
});

Deno.test("loss drops about the given fraction", () => {
  const n = new Network(opts, new Rng(2));
  let lost = 0;
  for (let i = 0; i < 100_000; i++) if (n.arrival(0, 1, 2) === undefined) lost++;
  assert(lost > 850 && lost < 1150, `lost ${lost}`);
});

Deno.test("rules drop or delay only inside their window and groups", () => {
  const n = new Network({ ...opts, loss: 0 }, new Rng(3));
  n.rules.push({ startMs: 100, endMs: 200, from: new Set([1]), action: "drop" });
  n.rules.push({ startMs: 0, endMs: 1000, to: new Set([3]), action: "delay", ms: 500 });
  assertEquals(n.arrival(150, 1, 2), undefined);
  assert(n.arrival(250, 1, 2) !== undefined);
  assert(n.arrival(150, 2, 1) !== undefined);
  assertEquals(n.arrival(0, 2, 3)! - n.latency(2, 3), 500);
});

Deno.test("serialization time follows capacity", () => {
  const n = new Network(opts, new Rng(1));
  n.setCapacity(0, 1_000_000);
  assertEquals(n.serializeMs(0, 1222), 10);
});

Deno.test("placed nodes get the latency of their places, the others keep the uniform one", () => {
  const n = new Network(opts, new Rng(1));
  const before = n.latency(1, 2);
  const near = placeNode(new Rng(1), 3, 0), far = placeNode(new Rng(2), 0.5, 6);
  n.place(1, near);
  assertEquals(n.latency(1, 2), before, "one end unplaced: uniform");
  n.place(2, far);
  assertEquals(n.latency(1, 2), placeLatency(near, far));
  assert(n.latency(1, 2) > 150, "Frankfurt to Sydney is further than the uniform range");
  assertEquals(n.latency(2, 1), n.latency(1, 2));
});

Deno.test("each sender's losses are its own: other senders' traffic does not move them", () => {
  const fates = (others: number) => {
    const n = new Network({ ...opts, loss: 0.3 }, new Rng(4));
    const out = [];
    for (let i = 0; i < 200; i++) {
      for (let k = 0; k < others; k++) n.arrival(0, 5, 6);
      out.push(n.arrival(0, 1, 2) === undefined);
    }
    return out;
  };
  assertEquals(fates(3), fates(0));
});

Deno.test("no latency is below the lower bound the windows of a split run rely on", () => {
  const uniform = new Network(opts, new Rng(1));
  assertEquals(uniform.lowerBoundMs(), 20);
  const map = new Network(opts, new Rng(1));
  const geo = new Rng(8);
  for (let i = 0; i < 60; i++) map.place(i, placeNode(geo, [0.5, 1.5, 3][i % 3]));
  const bound = map.lowerBoundMs();
  assert(bound > 5 && bound < 20, `${bound}`);
  for (let a = 0; a < 60; a++) for (let b = a + 1; b < 60; b++) assert(map.latency(a, b) >= bound);
});
