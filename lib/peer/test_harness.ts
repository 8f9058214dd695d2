/**
 * Test-only: a tiny deterministic network (fixed latency, drop rule, injected clock) wiring
 * PeerCore and SourceNode instances, and tools to drive one PeerCore by hand.
 */
import { standinPair } from "../auth/standin.ts";
import { ClubDeck } from "../club/deck.ts";
import { Rng } from "../rand.ts";
import { SourceNode } from "../source/source_node.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import type { Addr, Bitfield, Block, DataBlock, Dir, Msg, PongMsg } from "../wire/messages.ts";
import { Deque } from "./deque.ts";
import type { PeerEvent } from "./events.ts";
import type { ProtocolNode } from "./node.ts";
import { connKey } from "./conns.ts";
import { wireCounter } from "./conn_counter.ts";
import type { PeerConfig } from "./config.ts";
import { PeerCore } from "./peer.ts";

/** The stand-in verifier and signer every test peer and source share. */
export const { suite: SUITE, signer: SIGNER } = standinPair(42, 7);
/** A datagram sent by `from` to `to` at `at` (in flight: arriving at `at`). */
export type Datagram = { readonly at: number; readonly from: Addr; readonly to: Addr; msg: Msg };
/** What a node sends. */
export type Out = { to: Addr; msg: Msg };

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
  /** Runs every delivery and timer due up to `end`, then sets the clock to `end`. */
  runUntil(end: number): void {
    for (;;) {
      for (const [from, node] of this.nodes) {
        for (let t = node.pollTransmit(this.now); t; t = node.pollTransmit(this.now)) {
          const d = { at: this.now, from, to: t.to, msg: t.msg };
          this.log.push(d);
          if (!this.drop(d)) this.#flight.push({ ...d, at: this.now + this.latencyMs });
        }
        const list = this.events.get(from) ?? this.events.set(from, []).get(from)!;
        for (let e = node.pollEvent(); e; e = node.pollEvent()) list.push(e);
      }
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
}

/** A source "src" and `peers` peers "p1".."pN" (clubs dealt by the tracker's deck). */
export function makeSwarm(
  o: { peers: number; clubs: number; seed: number; config?: Partial<PeerConfig> },
) {
  const rng = new Rng(o.seed), net = new TestNet();
  const signs = { signer: SIGNER, suite: SUITE, align: 1, thresholdMs: 800 };
  const source = new SourceNode(0, { self: "src", clubs: o.clubs, rng: rng.fork(), ...signs });
  const deck = new ClubDeck(o.clubs, rng.fork());
  const peers: PeerCore[] = [];
  for (let i = 1; i <= o.peers; i++) {
    const myClubs = deck.deal();
    peers.push(
      makePeer({ self: `p${i}`, clubs: o.clubs, myClubs, rng: rng.fork(), config: o.config }),
    );
  }
  const list = peers.map((p) => ({ addr: p.self, clubs: [...p.myClubs] }));
  for (const n of [source, ...peers]) net.nodes.set(n instanceof PeerCore ? n.self : "src", n);
  for (const node of [source, ...peers]) node.addPeers(list);
  return { net, source, peers };
}

/** Feeds the source one full block every `everyMs` until `end`, running the network. */
export function stream(net: TestNet, source: SourceNode, end: number, everyMs = 15): void {
  while (net.now < end) {
    source.input(net.now, new Uint8Array(BLOCK_PAYLOAD).fill(net.now & 0xff));
    net.runUntil(Math.min(end, net.now + everyMs));
  }
}

/** A peer born at 0, by default "me" in 3 clubs (source "src", the shared stand-in suite). */
export function makePeer(
  o: { self?: Addr; clubs?: number; myClubs: number[]; rng?: Rng; config?: Partial<PeerConfig> },
): PeerCore {
  const { self = "me", clubs = 3, rng = new Rng(1) } = o;
  // The mechanism tests know few members per club: no fallback to the source unless asked.
  // They also jump the clock, which a real node would take for a stall of its own process
  // (stall.ts): no stall forgiveness unless asked either.
  const config = { thinFromSource: false, stallMs: Infinity, ...o.config };
  return new PeerCore(0, {
    ...o,
    config,
    self,
    clubs,
    rng,
    role: "peer",
    suite: SUITE,
    source: "src",
  });
}
/** Everything `node` would send at `now`. */
export function drain(node: ProtocolNode, now: number): Out[] {
  const out: Out[] = [];
  for (let t = node.pollTransmit(now); t; t = node.pollTransmit(now)) out.push(t);
  return out;
}
/** The "have"s in `out`, as "club:seqs>to". */
export function haves(out: readonly Out[]): string[] {
  return out.flatMap(({ to, msg }) => msg.t === "have" ? [`${msg.club}:${msg.seqs}>${to}`] : []);
}

/** The "want"s in `out`, as "seqs>to". */
export function wants(out: readonly Out[]): string[] {
  return out.flatMap(({ to, msg }) => msg.t === "want" ? [`${msg.seqs}>${to}`] : []);
}

/** Makes signed batches with consecutive seqs from 0, as the source would. */
export class Feed {
  next = 0;
  /** `count` data blocks made at `srcTime`, and their signature block. */
  batch(count: number, srcTime: number, threshold = 800) {
    const data: DataBlock[] = [];
    for (let i = 0; i < count; i++) {
      data.push({ kind: "data", seq: this.next, srcTime, payload: new Uint8Array([this.next++]) });
    }
    const fields = { seq: this.next++, srcTime, count, bitrate: 1e6, threshold };
    return { data, auth: SIGNER.seal(fields, data.map((b) => SUITE.leaf(b))) };
  }
}

/**
 * A fake upstream: sends blocks to a peer on its connection of `club`, counting `n`, which
 * goes on the wire offset by the connection's secret as the peer knows it (conn_counter.ts).
 */
export class Upstream {
  n = 0;
  constructor(readonly addr: Addr, readonly club: number) {}
  /** Delivers `b` at `now` (with counter `n`, by default the next one). */
  send(p: PeerCore, now: number, b: Block, n = this.n + 1): void {
    this.n = n;
    const secret = p.downs.get(connKey(this.addr, this.club))?.secret ?? 0;
    const wire = wireCounter(secret, n);
    const msg = { t: "block", club: this.club, hop: 0, n: wire, repair: false, block: b } as const;
    p.handleMessage(now, this.addr, msg);
  }
}
/** What a "connect" says: club, initiator's side, its clubs and optional bitfield. */
type Connect = [club: number, dir: Dir, clubs: readonly number[], have?: Bitfield];

/**
 * `from` opens a connection to `p`; dir "down" asks `p` to upload, "up" offers to. It echoes
 * `p`'s cookie for it, as a peer that had a pong from `p` does (its address is proven).
 */
export function connectFrom(p: PeerCore, now: number, from: Addr, ...c: Connect): void {
  const [club, dir, clubs, have = null] = c;
  p.handleMessage(now, from, {
    t: "connect",
    club,
    dir,
    clubs,
    have,
    cookie: p.guard.cookie(from),
  });
}
/**
 * `from` closes its side `dir` of its connection of `club` with `p`, as a real peer does: its
 * "drop" carries the connection's cookie.
 */
export function dropFrom(p: PeerCore, now: number, from: Addr, club: number, dir: Dir): void {
  const conn = (dir === "up" ? p.downs : p.ups).get(connKey(from, club));
  p.handleMessage(now, from, { t: "drop", club, dir, cookie: conn?.secret ?? 0 });
}

/** Delivers `blocks` on the link of their club (other clubs' signature blocks on the first). */
export function deliver(p: PeerCore, now: number, blocks: readonly Block[], links: Upstream[]) {
  for (const b of blocks) {
    const link = links.find((l) => l.club === b.seq % p.clubs);
    (link ?? (b.kind === "auth" ? links[0] : undefined))?.send(p, now, b);
  }
}

/** The clubs and loads a pinged peer reports in its pong. */
export type Load = (addr: Addr) => Partial<PongMsg>;
/** Answers every ping in `sent` with a pong from its target, as `load` describes it. */
export function answerPings(p: PeerCore, t: number, sent: Out[], load: Load): void {
  for (const { to, msg } of sent) {
    if (msg.t !== "ping") continue;
    const base = { clubs: [], up: 0, upIn: 0, down: 0, downIn: 0, full: false, cookie: 0 };
    p.handleMessage(t, to, { ...base, ...load(to), t: "pong", nonce: msg.nonce, you: p.self });
  }
}

/** `b` with its payload changed: its leaf no longer matches the signed one. */
export function tampered(b: DataBlock): DataBlock {
  return { ...b, payload: b.payload.map((v) => v ^ 0xff) };
}

/**
 * A peer in clubs 0 and 1 (of 3) fed a batch by the source (club 0) and x (club 2, out of
 * club), x sending 2, 5 and 11 but not 8; with `counterGap`, x's counter skips one before 11
 * (8 was lost on the link), else x never had it.
 */
export function missingEight(counterGap: boolean) {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "x", 2, "up", [2, 0]);
  drain(p, 0);
  const src = new Upstream("src", 0), x = new Upstream("x", 2);
  const { data, auth } = new Feed().batch(12, 0);
  deliver(p, 10, [...data.filter((b) => b.seq % 3 === 0), auth], [src]);
  for (const s of [2, 5, 11]) x.send(p, 10, data[s], x.n + (s === 11 && counterGap ? 2 : 1));
  return { p, data };
}
