import { assertEquals, assertRejects } from "../lib/testing.ts";
import { simulate, simulateInWorkers } from "./main.ts";
import { runSwarmInWorkers } from "./parallel.ts";
import { SMALL_SWARM, withoutWall } from "./test_helpers.ts";

Deno.test("a run in two worker threads reports what the same run in one thread does", async () => {
  const opts = { ...SMALL_SWARM, peers: 20, seconds: 4 };
  const labels = { series: true };
  const inWorkers = withoutWall(await simulateInWorkers(opts, labels, 2));
  const here = withoutWall(simulate(opts, labels));
  // Peak memory is the process's, not the run's.
  delete inWorkers.peakRssMB;
  delete here.peakRssMB;
  assertEquals(inWorkers, here);
});

Deno.test("runs that need one thread are refused in workers", async () => {
  await assertRejects(() => runSwarmInWorkers({ ...SMALL_SWARM, malicious: 0.1 }, 2));
  await assertRejects(() => runSwarmInWorkers({ ...SMALL_SWARM, onSkip: () => {} }, 2));
});
