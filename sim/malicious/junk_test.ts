import { makeSwarm, stream } from "../../lib/peer/test_harness.ts";
import { Rng } from "../../lib/rand.ts";
import { assert, assertEquals } from "../../lib/testing.ts";
import { Forgeries, isMarked } from "./forge.ts";
import { JunkSender } from "./junk.ts";

Deno.test("junk sender: its rate of junk to peers it knows; honest peers ban it, keep playing", () => {
  const { net, source, peers } = makeSwarm({ peers: 8, clubs: 4, seed: 1 });
  const forgeries = new Forgeries(7, 43);
  const junk = new JunkSender(0, peers[0], { rng: new Rng(1), forgeries, id: 1 }, 9, 200);
  net.nodes.set("p1", junk);
  stream(net, source, 5000);
  const out = net.log.filter((d) => d.from === "p1");
  // 200 a second for 5 s, in bursts of 10 every 50 ms, once it knows whom to send them to
  // (its target list is refreshed every second; it knows nobody at the first refresh).
  assert(junk.stats.junk >= 700 && junk.stats.junk <= 1000, `junk ${junk.stats.junk}`);
  assertEquals(junk.stats.sent, out.length);
  const known = new Set(["src", ...peers.map((p) => p.self)]);
  // Junk goes to peers it knows. Its core also pings made-up addresses: honest peers pass on
  // the ones its "peers" junk named when asked who is in a club.
  const toSwarm = out.filter((d) => known.has(d.to)).length;
  assert(toSwarm > 0.8 * junk.stats.junk, `${toSwarm} to the swarm`);
  const types = new Set(out.map((d) => d.msg.t));
  assertEquals(types.size, 12, `every type: ${[...types]}`);
  // Every block it sent is forged: its core's blocks were replaced too.
  const blocks = out.filter((d) => d.msg.t === "block");
  assert(blocks.length > 50);
  assert(blocks.every((d) => d.msg.t === "block" && forgeries.has(d.msg.block)));
  let banned = 0;
  for (const p of peers.slice(1)) {
    const events = net.events.get(p.self) ?? [];
    if (events.some((e) => e.type === "forged" && e.from === "p1")) banned++;
    for (const e of events) {
      if (e.type === "playback" && e.event.type === "play") assert(!isMarked(e.event.payload));
    }
    for (let s = p.store.floor; s <= p.store.top; s++) {
      const b = p.store.get(s);
      assert(!b || !forgeries.has(b), `${p.self} stored junk at ${s}`);
    }
    assert(p.store.top > 300, `${p.self} still gets the stream (top ${p.store.top})`);
  }
  assert(banned >= 5, `${banned} honest peers banned it`);
});
