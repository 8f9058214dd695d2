import { assertEquals, assertRejects } from "../lib/testing.ts";
import { simulate, simulateInWorkers } from "./main.ts";
import { runSwarmInWorkers } from "./parallel.ts";
import { SMALL_SWARM, withoutWall } from "./test_helpers.ts";

Deno.test("a run in two worker threads reports what the same run in one thread does", async () => {
  const opts = { ...SMALL_SWARM, peers: 20, seconds: 4 };
  const labels = { series: true };
  const seen: [number, number][][] = [[], []];
  const inWorkers = withoutWall(
    await simulateInWorkers(opts, labels, 2, (sim, end) => seen[0].push([sim, end])),
  );
  const here = withoutWall(simulate(opts, labels, (sim, end) => seen[1].push([sim, end])));
  // Both told of each window's end, in order, up to the run's end (the progress line's feed).
  assertEquals(seen[0], seen[1]);
  const ends = seen[0].map(([sim]) => sim);
  assertEquals(ends, [...ends].sort((a, b) => a - b));
  assertEquals(ends.at(-1)! > seen[0][0][1], true, "the last window passes the end");
  assertEquals(seen[0].at(-2)![0] <= seen[0][0][1], true, "and only the last");
  // Peak memory is the process's, not the run's.
  delete inWorkers.peakRssMB;
  delete here.peakRssMB;
  assertEquals(inWorkers, here);
});

Deno.test("runs that need one thread are refused in workers", async () => {
  await assertRejects(() => runSwarmInWorkers({ ...SMALL_SWARM, malicious: 0.1 }, 2));
  await assertRejects(() => runSwarmInWorkers({ ...SMALL_SWARM, onSkip: () => {} }, 2));
});
