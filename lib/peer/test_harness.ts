/**
 * Test-only helpers for the peer core: a tiny deterministic network (fixed latency, optional
 * drop rule, injected clock) that wires PeerCore and SourceNode instances together, and
 * small tools to drive one PeerCore by hand (verified batches, fake upstreams, answering
 * pings). Not used by any program.
 */
import { standinPair } from "../auth/standin.ts";
import { ClubDeck } from "../club/deck.ts";
import { Rng } from "../rand.ts";
import { SourceNode } from "../source/source_node.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import type {
  Addr,
  AuthBlock,
  Bitfield,
  Block,
  DataBlock,
  Dir,
  Msg,
  PongMsg,
} from "../wire/messages.ts";
import type { PeerConfig } from "./config.ts";
import { Deque } from "./deque.ts";
import type { PeerEvent } from "./events.ts";
import type { ProtocolNode } from "./node.ts";
import { PeerCore } from "./peer.ts";

/** The stand-in verifier and signer every test peer and source share. */
export const { suite: SUITE, signer: SIGNER } = standinPair(42, 7);

/** A datagram: sent by `from` to `to` at `at` (in flight: arriving at `at`). */
export interface Datagram {
  readonly at: number;
  readonly from: Addr;
  readonly to: Addr;
  readonly msg: Msg;
}

/** Nodes wired by a network with one fixed latency; every sent datagram is logged. */
export class TestNet {
  now = 0;
  readonly nodes = new Map<Addr, ProtocolNode>();
  readonly log: Datagram[] = [];
  readonly events = new Map<Addr, PeerEvent[]>();
  /** Datagrams for which this returns true are lost. */
  drop: (d: Datagram) => boolean = () => false;
  readonly #flight = new Deque<Datagram>();

  /** A network delivering every datagram `latencyMs` after it is sent. */
  constructor(readonly latencyMs = 20) {}

  /** Adds a node under `addr`. */
  add(addr: Addr, node: ProtocolNode): void {
    this.nodes.set(addr, node);
    this.events.set(addr, []);
  }

  /** Runs every delivery and timer due up to `end`, then sets the clock to `end`. */
  runUntil(end: number): void {
    for (let guard = 0;; guard++) {
      if (guard > 5_000_000) throw new Error("TestNet: no progress");
      this.#flush();
      let next = this.#flight.peek()?.at ?? Infinity;
      for (const n of this.nodes.values()) next = Math.min(next, n.pollTimeout());
      next = Math.max(next, this.now);
      if (next > end) break;
      this.now = next;
      for (let d = this.#flight.peek(); d && d.at <= next; d = this.#flight.peek()) {
        this.#flight.shift();
        this.nodes.get(d.to)?.handleMessage(next, d.from, d.msg);
      }
      for (const n of this.nodes.values()) if (n.pollTimeout() <= next) n.handleTimeout(next);
    }
    this.now = end;
  }

  /** Sends everything every node has to send now, and collects their events. */
  #flush(): void {
    for (const [addr, node] of this.nodes) {
      for (let t = node.pollTransmit(this.now); t; t = node.pollTransmit(this.now)) {
        const d = { at: this.now, from: addr, to: t.to, msg: t.msg };
        this.log.push(d);
        if (!this.drop(d)) this.#flight.push({ ...d, at: this.now + this.latencyMs });
      }
      const list = this.events.get(addr)!;
      for (let e = node.pollEvent(); e; e = node.pollEvent()) list.push(e);
    }
  }
}

/** A source "src" and `peers` peers "p1".."pN" (clubs dealt by the tracker's deck). */
export function makeSwarm(o: {
  peers: number;
  clubs: number;
  seed?: number;
  latencyMs?: number;
  config?: Partial<PeerConfig>;
}): { net: TestNet; source: SourceNode; peers: PeerCore[] } {
  const rng = new Rng(o.seed ?? 1);
  const net = new TestNet(o.latencyMs ?? 20);
  const source = new SourceNode(0, {
    self: "src",
    clubs: o.clubs,
    rng: rng.fork(),
    signer: SIGNER,
    suite: SUITE,
    align: 1,
    thresholdMs: 800,
    config: o.config,
  });
  net.add("src", source);
  const deck = new ClubDeck(o.clubs, rng.fork());
  const peers: PeerCore[] = [];
  for (let i = 1; i <= o.peers; i++) {
    const p = makePeer({ self: `p${i}`, clubs: o.clubs, myClubs: deck.deal(), rng: rng.fork() });
    peers.push(p);
    net.add(p.self, p);
  }
  const list = peers.map((p) => ({ addr: p.self, clubs: [...p.myClubs] }));
  source.addPeers(list);
  for (const p of peers) p.addPeers(list);
  return { net, source, peers };
}

/** Feeds the source one full block every `everyMs` until `end`, running the network. */
export function stream(net: TestNet, source: SourceNode, end: number, everyMs = 15): void {
  while (net.now < end) {
    source.input(net.now, new Uint8Array(BLOCK_PAYLOAD).fill(net.now & 0xff));
    net.runUntil(Math.min(end, net.now + everyMs));
  }
}

/** A peer born at 0 (source "src", the shared stand-in suite). */
export function makePeer(o: {
  self?: Addr;
  clubs?: number;
  myClubs: readonly number[];
  rng?: Rng;
  config?: Partial<PeerConfig>;
}): PeerCore {
  return new PeerCore(0, {
    self: o.self ?? "me",
    role: "peer",
    clubs: o.clubs ?? 3,
    myClubs: o.myClubs,
    suite: SUITE,
    rng: o.rng ?? new Rng(1),
    source: "src",
    config: o.config,
  });
}

/** Everything `node` would send at `now`. */
export function drain(node: ProtocolNode, now: number): { to: Addr; msg: Msg }[] {
  const out: { to: Addr; msg: Msg }[] = [];
  for (let t = node.pollTransmit(now); t; t = node.pollTransmit(now)) out.push(t);
  return out;
}

/** Makes signed batches with consecutive seqs from 0, as the source would. */
export class Feed {
  next = 0;
  /** `count` data blocks made at `srcTime` and their auth block (last). */
  batch(count: number, srcTime: number, threshold = 800): { data: DataBlock[]; auth: AuthBlock } {
    const data: DataBlock[] = [];
    for (let i = 0; i < count; i++) {
      const payload = new Uint8Array(16).fill(this.next & 0xff);
      data.push({ kind: "data", seq: this.next++, srcTime, payload });
    }
    const fields = { seq: this.next++, srcTime, count, bitrate: 1e6, threshold };
    return { data, auth: SIGNER.seal(fields, data.map((b) => SUITE.leaf(b))) };
  }
}

/** A fake upstream: sends blocks to a peer on its connection of `club`, counting `n`. */
export class Upstream {
  n = 0;
  /** The upstream `addr` on its connection for `club`. */
  constructor(readonly addr: Addr, readonly club: number) {}
  /** Delivers `b` at `now` (with counter `n`, by default the next one). */
  send(p: PeerCore, now: number, b: Block, n = this.n + 1): void {
    this.n = n;
    p.handleMessage(now, this.addr, {
      t: "block",
      club: this.club,
      hop: 0,
      n,
      repair: false,
      block: b,
    });
  }
}

/** `from` (a member of `clubs`) opens a `club` connection to `p`; "down" asks `p` to upload. */
export function connectFrom(
  p: PeerCore,
  now: number,
  from: Addr,
  club: number,
  dir: Dir,
  clubs: readonly number[],
  have: Bitfield | null = null,
): void {
  p.handleMessage(now, from, { t: "connect", club, dir, clubs, have });
}

/**
 * Delivers `blocks` in order over `links`: each on the link of its club; a signature block
 * of another club on the first link (an in-club link may carry any signature block).
 */
export function deliver(p: PeerCore, now: number, blocks: readonly Block[], links: Upstream[]) {
  for (const b of blocks) {
    const link = links.find((l) => l.club === b.seq % p.clubs) ??
      (b.kind === "auth" ? links[0] : undefined);
    link?.send(p, now, b);
  }
}

/** Answers every ping in `sent` with a pong from its target, loads from `load`. */
export function answerPings(
  p: PeerCore,
  now: number,
  sent: readonly { to: Addr; msg: Msg }[],
  load: (addr: Addr) => Partial<PongMsg> & { clubs: readonly number[] },
): void {
  for (const { to, msg } of sent) {
    if (msg.t !== "ping") continue;
    const base = { up: 0, upIn: 0, down: 0, downIn: 0, full: false };
    p.handleMessage(now, to, { ...base, ...load(to), t: "pong", nonce: msg.nonce, you: p.self });
  }
}
