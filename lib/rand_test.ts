import { assert, assertEquals, assertNotEquals } from "./testing.ts";
import { Rng, weightedIndex } from "./rand.ts";

Deno.test("same seed replays the same stream, another seed differs", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const sa = Array.from({ length: 20 }, () => a.next());
  const sb = Array.from({ length: 20 }, () => b.next());
  const sc = Array.from({ length: 20 }, () => c.next());
  assertEquals(sa, sb);
  assertNotEquals(sa, sc);
  for (const x of sa) assert(x >= 0 && x < 1);
});

Deno.test("int stays in range and covers it", () => {
  const r = new Rng(1);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const v = r.int(6);
    assert(v >= 0 && v < 6);
    seen.add(v);
  }
  assertEquals(seen.size, 6);
});

Deno.test("shuffle is a permutation", () => {
  const r = new Rng(3);
  const xs = r.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertEquals([...xs].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("weightedIndex follows the weights and ignores zero weights", () => {
  const r = new Rng(9);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[weightedIndex(r, [1, 0, 3])]++;
  assertEquals(counts[1], 0);
  assert(counts[2] > 2 * counts[0], `counts ${counts}`);
  assertEquals(weightedIndex(r, [0, 0]), -1);
});
