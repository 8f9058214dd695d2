/**
 * A small real-program swarm in lib/peer's test network (virtual time): a source and 8 peers
 * over 12 clubs with the programs' settings (thin clubs come from the source), peers joining
 * from 3 s on, everyone re-announcing every 2 s, random loss on every datagram, and the last
 * 3 peers killed at 10 s. The end-to-end test runs the same with real processes
 * (tests/e2e_stream_test.ts); small_swarm_test.ts and bench/start/joiner_start.ts drive this.
 */
import { ClubDeck } from "../club/deck.ts";
import type { PlaybackOptions } from "../playback/playback.ts";
import { Rng } from "../rand.ts";
import { SourceNode } from "../source/source_node.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import { type PeerConfig, PROGRAM_CONFIG, SOURCE_PROGRAM_CONFIG } from "./config.ts";
import type { PeerEvent } from "./events.ts";
import { PeerCore } from "./peer.ts";
import { SIGNER, SUITE, TestNet } from "./test_harness.ts";

export const CLUBS = 12, PEERS = 8, KILLED = 3, KILL_AT = 10_000;
/** One block of input every 4.6 ms: about 2 Mbit/s. */
const BLOCK_EVERY = 4.6;

/** How a run goes. */
export interface SmallSwarmOptions {
  readonly seed: number;
  /** Chance that any datagram is lost. */
  readonly loss: number;
  readonly endMs: number;
  /** Settings over the programs' own, for the source and the peers. */
  readonly config?: Partial<PeerConfig>;
  readonly playback?: Partial<PlaybackOptions>;
  /** Random extra gap between joins, up to this many ms (besides 250 ms). */
  readonly joinJitterMs?: number;
  /** The payload of the n-th block of input (default: filled with n's low byte). */
  readonly payload?: (n: number) => Uint8Array;
  /** Every event of every peer, as it comes. */
  readonly onEvent: (peer: PeerCore, event: PeerEvent, now: number) => void;
}

/** Runs the swarm; returns the peers in join order and when each joined. */
export function runSmallSwarm(o: SmallSwarmOptions): {
  peers: PeerCore[];
  joinedAt: Map<string, number>;
} {
  const rng = new Rng(o.seed), lossRng = rng.fork(), joinRng = rng.fork();
  const net = new TestNet(1);
  net.drop = () => lossRng.chance(o.loss);
  const source = new SourceNode(0, {
    self: "src",
    clubs: CLUBS,
    rng: rng.fork(),
    signer: SIGNER,
    suite: SUITE,
    align: 1,
    thresholdMs: 800,
    config: { ...SOURCE_PROGRAM_CONFIG, ...o.config },
  });
  net.nodes.set("src", source);
  const deck = new ClubDeck(CLUBS, rng.fork());
  const peers: PeerCore[] = [], joinedAt = new Map<string, number>();
  const live = () =>
    peers.filter((p) => net.nodes.has(p.self)).map((p) => ({
      addr: p.self,
      clubs: [...p.myClubs],
    }));
  const payload = o.payload ?? ((n) => new Uint8Array(BLOCK_PAYLOAD).fill(n & 0xff));
  let nextJoin = 3000, nextAnnounce = 2000, made = 0;
  while (net.now < o.endMs) {
    const now = net.now;
    // A joiner knows the peers before it (the tracker's answer).
    if (peers.length < PEERS && now >= nextJoin) {
      const p = new PeerCore(now, {
        self: `p${peers.length + 1}`,
        role: "peer",
        clubs: CLUBS,
        myClubs: deck.deal(),
        rng: rng.fork(),
        suite: SUITE,
        source: "src",
        config: { ...PROGRAM_CONFIG, ...o.config },
        playback: o.playback,
      });
      p.addPeers(live());
      peers.push(p);
      net.nodes.set(p.self, p);
      joinedAt.set(p.self, now);
      nextJoin += 250 + (o.joinJitterMs ? joinRng.int(o.joinJitterMs) : 0);
    }
    if (now >= nextAnnounce) {
      nextAnnounce += 2000;
      for (const n of [source, ...peers.filter((p) => net.nodes.has(p.self))]) n.addPeers(live());
    }
    if (now >= KILL_AT && net.nodes.has(peers[PEERS - 1].self)) {
      for (const p of peers.slice(PEERS - KILLED)) net.nodes.delete(p.self);
    }
    source.input(now, payload(made++));
    net.runUntil(now + BLOCK_EVERY);
    for (const p of peers) {
      const events = net.events.get(p.self);
      if (!events) continue;
      for (const e of events) o.onEvent(p, e, net.now);
      events.length = 0;
    }
  }
  return { peers, joinedAt };
}
