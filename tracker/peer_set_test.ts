import { assert, assertEquals } from "../lib/testing.ts";
import { Rng } from "../lib/rand.ts";
import { PeerSet } from "./peer_set.ts";
import type { PeerRecord } from "./records.ts";

function rec(i: number, deadline = 1000): PeerRecord {
  return { peer: `p${i}`, ip: "10.0.0.1", port: 1000 + i, clubs: [0, 1], deadline };
}

Deno.test("set, get and delete keep the index consistent", () => {
  const s = new PeerSet([rec(1), rec(2), rec(3)]);
  assertEquals(s.size, 3);
  s.set({ ...rec(2), port: 9 });
  assertEquals(s.get("p2", 0)?.port, 9);
  assert(s.delete("p1"));
  assert(!s.delete("p1"));
  assertEquals(s.get("p3", 0)?.port, 1003);
  assertEquals(s.live(0).map((r) => r.peer).sort(), ["p2", "p3"]);
  assertEquals(s.get("p3", 1000), undefined);
});

Deno.test("samples are distinct, live, never the asker, and capped at k", () => {
  for (const n of [0, 1, 5, 60, 101, 1000]) {
    const s = new PeerSet(Array.from({ length: n }, (_, i) => rec(i, i % 3 === 0 ? 10 : 1000)));
    const got = s.sample(50, "p1", 100, new Rng(n));
    const alive = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0 && i !== 1);
    assertEquals(got.length, Math.min(50, alive.length), `n=${n}`);
    assertEquals(new Set(got.map((r) => r.peer)).size, got.length);
    for (const r of got) assert(r.deadline > 100 && r.peer !== "p1", `n=${n}: ${r.peer}`);
  }
});

Deno.test("samples are spread over the whole set, not the first keys", () => {
  const s = new PeerSet(Array.from({ length: 500 }, (_, i) => rec(i)));
  const hits = new Array(500).fill(0);
  const rng = new Rng(11);
  for (let t = 0; t < 400; t++) for (const r of s.sample(50, null, 0, rng)) hits[r.port - 1000]++;
  // 400 samples of 50 out of 500: each peer expects 40 hits.
  assert(Math.min(...hits) > 10, `min ${Math.min(...hits)}`);
  assert(Math.max(...hits) < 80, `max ${Math.max(...hits)}`);
  assert(hits.slice(450).reduce((a, b) => a + b) > 1000);
});

Deno.test("sampleJson is the JSON of the sampled entries, rebuilt when an entry changes", () => {
  const s = new PeerSet([rec(1), rec(2)]);
  const one = JSON.parse(s.sampleJson(5, "p2", 0, new Rng(1)));
  assertEquals(one, [{ peer: "p1", ip: "10.0.0.1", port: 1001, clubs: [0, 1] }]);
  s.set({ ...rec(1), port: 7, clubs: [3, 4] });
  s.delete("p2");
  s.set(rec(3));
  const two = JSON.parse(s.sampleJson(5, null, 0, new Rng(1)));
  assertEquals(two.sort((a: { port: number }, b: { port: number }) => a.port - b.port), [
    { peer: "p1", ip: "10.0.0.1", port: 7, clubs: [3, 4] },
    { peer: "p3", ip: "10.0.0.1", port: 1003, clubs: [0, 1] },
  ]);
  assertEquals(s.sampleJson(0, null, 0, new Rng(1)), "[]");
});
