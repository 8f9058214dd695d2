import { Rng } from "../lib/rand.ts";
import { assert, assertEquals } from "../lib/testing.ts";
import { planLifetimes } from "./lifetimes.ts";

const joins = (n: number) => Float64Array.from({ length: n + 1 }, (_, i) => (i === 0 ? 0 : 10 * i));
const mix = [[0.5, 1], [0.5, 3]] as const;

Deno.test("without churn or failure everyone stays", () => {
  const p = planLifetimes(10, joins(10), 60_000, new Rng(1), mix);
  assertEquals(p.count, 11);
  assert(p.leaveAt.every((t) => t === Infinity));
  assertEquals([...p.survivor], [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  assertEquals(p.victims, []);
});

Deno.test("10-minute sessions replace about a tenth of the swarm per minute, one for one", () => {
  const peers = 2000, end = 3 * 60_000;
  const p = planLifetimes(peers, joins(peers), end, new Rng(2), mix, { meanSessionMs: 600_000 });
  const replaced = p.count - peers - 1;
  // Expected 2000 * (1 - e^-0.3) = 518 in 3 minutes; the count is Poisson-like (sd about 20).
  assert(replaced > 450 && replaced < 590, `replaced ${replaced}`);
  let left = 0;
  for (let i = 1; i < p.count; i++) if (p.leaveAt[i] < end) left++;
  assertEquals(left, replaced, "every departure is replaced at the same moment");
  const leaves = [...p.leaveAt].filter((t) => t < end).sort((a, b) => a - b);
  const joinsAfter = [...p.joinAt.subarray(peers + 1)].sort((a, b) => a - b);
  assertEquals(leaves, joinsAfter);
  // The population never changes: at any time, joined and not yet left is `peers`.
  const alive = (t: number) => {
    let n = 0;
    for (let i = 1; i < p.count; i++) if (p.joinAt[i] <= t && p.leaveAt[i] > t) n++;
    return n;
  };
  assertEquals([alive(60_000), alive(120_000), alive(179_000)], [peers, peers, peers]);
  assert(p.replacementMult.every((m) => m === 1 || m === 3));
  for (let i = 1; i < p.count; i++) assertEquals(p.survivor[i], p.leaveAt[i] === Infinity ? 1 : 0);
});

Deno.test("a mass failure kills the given share at once; the rest survive", () => {
  const p = planLifetimes(100, joins(100), 60_000, new Rng(3), mix, undefined, {
    share: 0.3,
    atMs: 20_000,
  });
  assertEquals(p.victims.length, 30);
  assertEquals(new Set(p.victims).size, 30);
  assertEquals(p.killAt, 20_000);
  assertEquals(p.survivor.reduce((a, b) => a + b, 0), 70);
  for (const v of p.victims) assertEquals(p.survivor[v], 0);
});
