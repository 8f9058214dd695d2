import { makeSwarm, stream } from "../../lib/peer/test_harness.ts";
import type { PeerCore } from "../../lib/peer/peer.ts";
import { Rng } from "../../lib/rand.ts";
import type { Block, BlockMsg, Msg } from "../../lib/wire/messages.ts";
import { assert, assertEquals } from "../../lib/testing.ts";
import { Forgeries, isMarked } from "./forge.ts";
import { Forger } from "./forger.ts";

/** A core that sends the datagrams it is given and holds the blocks it is given. */
function scriptedCore(out: { to: string; msg: Msg }[], held: Block[]): PeerCore {
  const store = new Map(held.map((b) => [b.seq, b]));
  return {
    clubs: 4,
    bitrate: 2_000_000,
    store: { get: (s: number) => store.get(s) },
    pollTransmit: () => out.shift(),
  } as unknown as PeerCore;
}

const data = (seq: number): Block => ({
  kind: "data",
  seq,
  srcTime: seq * 5,
  payload: new Uint8Array(8),
});

Deno.test("forger: most blocks forged at their seq, some far ahead, some replays, some genuine", () => {
  const forgeries = new Forgeries(7, 43);
  const held = Array.from({ length: 1000 }, (_, s) => data(s));
  const out: { to: string; msg: Msg }[] = [];
  for (let s = 900; s < 1000; s++) {
    const msg: BlockMsg = { t: "block", club: s % 4, hop: 1, n: s, repair: false, block: held[s] };
    out.push({ to: "x", msg }, { to: "y", msg: { t: "have", club: 0, seqs: [s], list: false } });
  }
  const f = new Forger(scriptedCore(out, held), { rng: new Rng(3), forgeries, id: 9 });
  const counts = { same: 0, ahead: 0, replay: 0, genuine: 0, control: 0 };
  for (let dg = f.pollTransmit(0); dg; dg = f.pollTransmit(0)) {
    if (dg.msg.t !== "block") {
      counts.control++;
      continue;
    }
    const b = dg.msg.block, sent = dg.msg.n;
    assertEquals(b.seq % 4, dg.msg.club, "every block stays on its club's connection");
    if (forgeries.has(b)) {
      assert(b.kind === "data" && isMarked(b.payload));
      if (b.seq === sent) counts.same++;
      else {
        assert(b.seq > sent, "forged seqs are the live one or far ahead");
        counts.ahead++;
      }
    } else if (b.seq === sent) {
      assert(b === held[sent]);
      counts.genuine++;
    } else {
      assert(b.seq < sent - 4 * 15 && b === held[b.seq], "a replay is an old genuine block");
      counts.replay++;
    }
  }
  assertEquals(counts.control, 100, "control messages pass untouched");
  assertEquals(counts.same + counts.ahead + counts.replay + counts.genuine, 100);
  assert(counts.same >= 55 && counts.same <= 85, `same ${counts.same}`);
  for (const k of ["ahead", "replay", "genuine"] as const) assert(counts[k] >= 3, `${k}`);
  assertEquals(f.stats.sent, 200);
  assertEquals(f.stats.forged, counts.same + counts.ahead);
  assertEquals(f.stats.replayed, counts.replay);
});

Deno.test("forger in a small swarm: caught whenever checked, and never stored or played", () => {
  const { net, source, peers } = makeSwarm({ peers: 8, clubs: 4, seed: 1 });
  const forgeries = new Forgeries(7, 43);
  const forger = new Forger(peers[0], { rng: new Rng(1), forgeries, id: 1 });
  net.nodes.set("p1", forger);
  stream(net, source, 6000);
  assert(forger.stats.forged > 10, `forged ${forger.stats.forged}`);
  let checked = 0;
  for (const p of peers.slice(1)) {
    // Every link has the same latency, so send times order arrivals.
    const sent = net.log.filter((d) => d.to === p.self && d.msg.t === "block");
    const firstGenuine = new Map<number, number>();
    for (const d of sent) {
      const b = (d.msg as BlockMsg).block;
      if (!forgeries.has(b) && !firstGenuine.has(b.seq)) firstGenuine.set(b.seq, d.at);
    }
    // A forged copy that came before any genuine one, at a seq the peer verified later, had
    // to be checked: its sender must then have been banned.
    const mustCatch = sent.filter((d) => {
      const b = (d.msg as BlockMsg).block;
      return d.from === "p1" && forgeries.has(b) && d.at < (firstGenuine.get(b.seq) ?? Infinity) &&
        p.store.get(b.seq) !== undefined;
    });
    const events = net.events.get(p.self) ?? [];
    if (mustCatch.length > 0) {
      checked++;
      assert(events.some((e) => e.type === "forged" && e.from === "p1"), `${p.self} banned p1`);
    }
    for (let s = p.store.floor; s <= p.store.top; s++) {
      const b = p.store.get(s);
      assert(!b || !forgeries.has(b), `${p.self} stored a forged block at ${s}`);
    }
    for (const e of events) {
      if (e.type === "playback" && e.event.type === "play") assert(!isMarked(e.event.payload));
    }
    const relayed = net.log.filter((d) =>
      d.from === p.self && d.msg.t === "block" && forgeries.has(d.msg.block)
    );
    assertEquals(relayed.length, 0, `${p.self} relayed a forged block`);
    assert(p.store.top > 400, `${p.self} still gets the stream (top ${p.store.top})`);
  }
  // Not vacuous: some peers had a forged copy first (how many depends on the run's draw of
  // connections; two with pongs trusted for 120 ms, three with 1 s).
  assert(checked >= 2, `${checked} peers had to check a forged block`);
});
