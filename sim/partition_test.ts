import { assert, assertEquals, assertThrows } from "../lib/testing.ts";
import { scenarioNamed } from "./scenarios.ts";
import { runSwarm, type SwarmResult } from "./swarm.ts";
import { SMALL_SWARM } from "./test_helpers.ts";

/** Everything a run measured, as one comparable value. */
function figures(r: SwarmResult): unknown {
  const { counters, cores: _, source: __, malice: ___, malicious: ____, ...rest } = r;
  return { ...rest, counters: counters.snapshot() };
}

Deno.test("one partition or three: the same run, figure for figure", () => {
  // Churn and a mass failure exercise the tracker's removals and the deaths as well.
  const opts = {
    ...scenarioNamed("churn").apply({ ...SMALL_SWARM, peers: 30, seconds: 6 }),
    churn: { meanSessionMs: 20_000 },
    failure: { share: 0.3, atMs: 5000 },
  };
  const one = runSwarm(opts, 1), three = runSwarm(opts, 3);
  assert(one.counters.played > 1000 && one.counters.events > 10_000, "the run did something");
  assert(one.capacities.length > 31, "peers were replaced");
  assertEquals(figures(three), figures(one));
  // The peers themselves ended in the same state.
  const held = (r: SwarmResult) => r.cores.map((p) => (p ? p.stats : null));
  assertEquals(held(three), held(one));
});

Deno.test("node by node or in the agenda's order: the same run, figure for figure", () => {
  // A mass failure splits a window; churn brings joins, leaves and the tracker's removals.
  const opts = {
    ...scenarioNamed("churn").apply({ ...SMALL_SWARM, peers: 30, seconds: 6 }),
    churn: { meanSessionMs: 20_000 },
    failure: { share: 0.3, atMs: 5000 },
  };
  const batched = runSwarm(opts, 2), agenda = runSwarm({ ...opts, agendaOrder: true }, 2);
  assert(agenda.counters.played > 1000 && agenda.counters.events > 10_000, "the run did something");
  assertEquals(figures(batched), figures(agenda));
  const held = (r: SwarmResult) => r.cores.map((p) => (p ? p.stats : null));
  assertEquals(held(batched), held(agenda));
});

Deno.test("on the map too (shorter windows: the least latency is two access links)", () => {
  const opts = { ...SMALL_SWARM, peers: 16, seconds: 3, network: "regions" as const };
  assertEquals(figures(runSwarm(opts, 2)), figures(runSwarm(opts, 1)));
});

Deno.test("malicious peers are kept to one partition", () => {
  assertThrows(() => runSwarm({ ...SMALL_SWARM, malicious: 0.1 }, 2), Error);
});
