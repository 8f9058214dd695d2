import { assert, assertEquals, assertThrows } from "../lib/testing.ts";
import { parseSimArgs } from "./main.ts";
import { meanUpload, SCARCE_MIX, scenarioNamed, SCENARIOS } from "./scenarios.ts";
import { runSwarm } from "./swarm.ts";
import { SMALL_SWARM } from "./test_helpers.ts";

const small = { ...SMALL_SWARM, peers: 30, seconds: 12 };

Deno.test("every scenario is named on the command line; unknown ones are refused", () => {
  for (const s of SCENARIOS) {
    const p = parseSimArgs(["--scenario", s.name]);
    assert(p !== "help");
    assertEquals(p.labels.scenario, s.name);
  }
  assertThrows(() => parseSimArgs(["--scenario", "earthquake"]));
  assertThrows(() => parseSimArgs(["--network", "mars"]));
  assertEquals(meanUpload(SCARCE_MIX), 1.2);
  const loss = parseSimArgs(["--scenario", "loss-5"]);
  assert(loss !== "help" && loss.opts.loss === 0.05);
});

Deno.test("a mass failure kills 30 % at once: the dead stop playing, survivors are counted apart", () => {
  const opts = scenarioNamed("failure").apply(small);
  const r = runSwarm(opts);
  assertEquals(r.survivors, 21);
  const at = opts.failure!.atMs / 1000;
  const played = r.counters.series.played;
  // 21 of 30 live on: about 0.7 of the blocks played in the second before (the seconds
  // before that are the swarm's formation, when not every peer plays yet).
  const before = played[at - 1], after = played[at + 4];
  assert(after < 0.8 * before && after > 0.6 * before, `played per s ${before} -> ${after}`);
  const c = r.counters;
  assert(c.afterPlayed > 0, "survivors' playback after the failure is counted");
  assert(c.afterPlayed + c.afterSkipped < 0.75 * (c.played + c.skipped));
});

Deno.test("churn replaces peers one for one: as many play at the end as at the start", () => {
  // A 30 s mean session over 14 s: about a third of the swarm is replaced.
  const r = runSwarm({ ...small, churn: { meanSessionMs: 30_000 } });
  const played = r.counters.series.played;
  assert(r.capacities.length > small.peers + 5, `${r.capacities.length - 1} nodes joined`);
  assert(played[13] > 0.8 * played[4], `played per s ${played[4]} -> ${played[13]}`);
});

Deno.test("a flash crowd's late half joins in the measured window and starts playing", () => {
  const opts = scenarioNamed("flash").apply(small);
  const plain = runSwarm(small).counters, flash = runSwarm(opts).counters;
  assertEquals(flash.startup.count, small.peers, "every peer started");
  assert(flash.played < plain.played, "the late half plays less of the window");
});
