/**
 * A small real-program swarm in the test network, as the end-to-end test runs it with real
 * processes (tests/e2e_stream_test.ts): a source and 8 peers over 12 clubs with the
 * programs' settings (thin clubs come from the source), 2 % loss on every datagram, 3 peers
 * killed mid-stream. Most clubs have one member, so a kill leaves clubs whose only holder is
 * the source. The survivors must not skip a block from the kill on.
 */
import { ClubDeck } from "../club/deck.ts";
import { Rng } from "../rand.ts";
import { SourceNode } from "../source/source_node.ts";
import { assertEquals } from "../testing.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import { PROGRAM_CONFIG } from "./config.ts";
import { PeerCore } from "./peer.ts";
import { SIGNER, SUITE, TestNet } from "./test_harness.ts";

const CLUBS = 12, PEERS = 8, KILLED = 3, KILL_AT = 10_000, END = 20_000;
/** One block of input every 4.6 ms: about 2 Mbit/s. */
const BLOCK_EVERY = 4.6;

/** Runs the swarm; returns, per survivor, the blocks it skipped from the kill on. */
function run(seed: number, loss: number): number[] {
  const rng = new Rng(seed), lossRng = rng.fork();
  const net = new TestNet(1);
  net.drop = () => lossRng.chance(loss);
  const source = new SourceNode(0, {
    self: "src",
    clubs: CLUBS,
    rng: rng.fork(),
    signer: SIGNER,
    suite: SUITE,
    align: 1,
    thresholdMs: 800,
    config: PROGRAM_CONFIG,
  });
  net.nodes.set("src", source);
  const deck = new ClubDeck(CLUBS, rng.fork());
  const peers: PeerCore[] = [];
  const live = () =>
    peers.filter((p) => net.nodes.has(p.self)).map((p) => ({
      addr: p.self,
      clubs: [...p.myClubs],
    }));
  const skipped = new Map<string, number>();
  let nextJoin = 3000, nextAnnounce = 2000;
  while (net.now < END) {
    const now = net.now;
    // Peers join 250 ms apart, each knowing the peers before it (the tracker's answer).
    if (peers.length < PEERS && now >= nextJoin) {
      const p = new PeerCore(now, {
        self: `p${peers.length + 1}`,
        role: "peer",
        clubs: CLUBS,
        myClubs: deck.deal(),
        rng: rng.fork(),
        suite: SUITE,
        source: "src",
        config: PROGRAM_CONFIG,
      });
      p.addPeers(live());
      peers.push(p);
      net.nodes.set(p.self, p);
      nextJoin += 250;
    }
    // Everyone re-announces every 2 s and learns the current peer list.
    if (now >= nextAnnounce) {
      nextAnnounce += 2000;
      for (const n of [source, ...peers]) {
        if (net.nodes.has(n instanceof PeerCore ? n.self : "src")) n.addPeers(live());
      }
    }
    if (now >= KILL_AT && net.nodes.has(peers[PEERS - 1].self)) {
      for (const p of peers.slice(PEERS - KILLED)) net.nodes.delete(p.self);
    }
    source.input(now, new Uint8Array(BLOCK_PAYLOAD).fill(now & 0xff));
    net.runUntil(now + BLOCK_EVERY);
    for (const [addr, events] of net.events) {
      for (const e of events) {
        if (e.type === "playback" && e.event.type === "skip" && net.now >= KILL_AT) {
          skipped.set(addr, (skipped.get(addr) ?? 0) + 1);
        }
      }
      events.length = 0;
    }
  }
  return peers.slice(0, PEERS - KILLED).map((p) => skipped.get(p.self) ?? 0);
}

// CLUBCAST_SMALL_SWARM_SEEDS=N runs seeds 1..N (docs/running.md quotes 20).
const seeds = Number(Deno.env.get("CLUBCAST_SMALL_SWARM_SEEDS") ?? 4);
for (let seed = 1; seed <= seeds; seed++) {
  Deno.test(`small swarm, 2 % loss, 3 of 8 peers killed: the survivors skip nothing (seed ${seed})`, () => {
    assertEquals(run(seed, 0.02), [0, 0, 0, 0, 0]);
  });
}
