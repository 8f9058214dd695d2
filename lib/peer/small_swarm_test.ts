/**
 * The small real-program swarm of small_swarm.ts, as the end-to-end test runs it with real
 * processes: 2 % loss on every datagram, 3 of 8 peers killed mid-stream. Most clubs have one
 * member, so a kill leaves clubs whose only holder is the source. The survivors must not skip
 * a block from the kill on.
 */
import { assertEquals } from "../testing.ts";
import { KILL_AT, KILLED, PEERS, runSmallSwarm } from "./small_swarm.ts";

/** Per survivor, the blocks it skipped from the kill on. */
function run(seed: number, loss: number): number[] {
  const skipped = new Map<string, number>();
  const { peers } = runSmallSwarm({
    seed,
    loss,
    endMs: 20_000,
    onEvent: (p, e, now) => {
      if (e.type === "playback" && e.event.type === "skip" && now >= KILL_AT) {
        skipped.set(p.self, (skipped.get(p.self) ?? 0) + 1);
      }
    },
  });
  return peers.slice(0, PEERS - KILLED).map((p) => skipped.get(p.self) ?? 0);
}

// CLUBCAST_SMALL_SWARM_SEEDS=N runs seeds 1..N (docs/running.md quotes 20).
const seeds = Number(Deno.env.get("CLUBCAST_SMALL_SWARM_SEEDS") ?? 4);
for (let seed = 1; seed <= seeds; seed++) {
  Deno.test(`small swarm, 2 % loss, 3 of 8 peers killed: the survivors skip nothing (seed ${seed})`, () => {
    assertEquals(run(seed, 0.02), [0, 0, 0, 0, 0]);
  });
}
