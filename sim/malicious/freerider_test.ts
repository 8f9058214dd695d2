import { makeSwarm, stream } from "../../lib/peer/test_harness.ts";
import { Rng } from "../../lib/rand.ts";
import { assert, assertEquals } from "../../lib/testing.ts";
import { Forgeries } from "./forge.ts";
import { Freerider } from "./freerider.ts";

Deno.test("freerider: takes connections and blocks, sends none; its downstreams drop it", () => {
  const { net, source, peers } = makeSwarm({ peers: 8, clubs: 4, seed: 1 });
  const rider = new Freerider(peers[0], {
    rng: new Rng(1),
    forgeries: new Forgeries(7, 43),
    id: 1,
  });
  net.nodes.set("p1", rider);
  stream(net, source, 6000);
  const fromRider = net.log.filter((d) => d.from === "p1");
  assert(fromRider.length > 20, "it talks");
  assertEquals(fromRider.filter((d) => d.msg.t === "block").length, 0, "no block ever leaves it");
  assert(fromRider.some((d) => d.msg.t === "accept"), "it accepts connections");
  assert(rider.stats.withheld > 50, `withheld ${rider.stats.withheld}`);
  assertEquals(rider.stats.sent, fromRider.length);
  // It downloads like anyone: its core got the stream.
  assert(peers[0].store.top > 400, `its own top ${peers[0].store.top}`);
  // Honest peers that downloaded from it gave up on it for silence.
  let idle = 0;
  for (const p of peers.slice(1)) {
    for (const e of net.events.get(p.self) ?? []) {
      if (e.type === "conn" && !e.open && e.remote === "p1" && e.dir === "down") {
        if (e.reason === "idle") idle++;
      }
    }
    assert(p.store.top > 400, `${p.self} still gets the stream (top ${p.store.top})`);
  }
  assert(idle >= 1, `downloads from it dropped as idle: ${idle}`);
});
