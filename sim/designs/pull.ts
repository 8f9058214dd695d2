/**
 * The pull mesh, the second design the patent's background turns down [0004] ("each peer
 * ... explicitly request[s] data blocks needed from other peers"), as CoolStreaming/DONet
 * built it (Zhang et al., INFOCOM 2005): peers in a random mesh (the flood's, neighbours.ts)
 * tell their partners which blocks they hold in a buffer map once a second, and once a
 * second each peer asks its partners for the blocks it lacks.
 *
 * The scheduler is DONet's heuristic: the blocks with fewest suppliers are asked for first
 * (rarest first; equally rare ones in random order, so that partners of one supplier ask it
 * for different blocks), each from the supplier expected to deliver it soonest: the fewest
 * blocks already asked of it this round for its rate (blocks it delivered per round,
 * smoothed). A block asked for and not received is asked again after {@link RETRY_MS}. A
 * partner serves requests in turns between the partners that asked (as DONet's TCP
 * connections share a link), first come first served for each, dropping those that waited
 * 1.5 s (link_queue.ts). A peer asks for blocks from its playhead on (before playback
 * starts, from {@link START_BACK_MS} of stream behind the newest block its partners hold),
 * at most {@link MAP_SEQS} of them, up to the newest they hold.
 */
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import type { Addr, Block } from "../../lib/wire/messages.ts";
import type { Design, SimMsg } from "../design.ts";
import { type BaselineInit, BaselineNode } from "./baseline_node.ts";
import { type BaselineMsg, baselineSize, type MapMsg } from "./messages.ts";
import { meshMessage, meshOf, meshRound } from "./mesh.ts";
import type { Neighbours } from "./neighbours.ts";

/** The period of buffer maps and requests, ms (the "every second"). */
export const ROUND_MS = 1000;
/**
 * Seqs a buffer map covers, up to the newest held, and a peer asks for from its playhead
 * on (about 8.7 s of stream at 2 Mbit/s).
 */
export const MAP_SEQS = 2048;
/** Before playback starts, a peer asks for blocks from this much stream behind the newest. */
export const START_BACK_MS = 2000;
/**
 * A block asked for and not received is asked again after this long, ms: by then the
 * partner has sent it or dropped the request as stale (1.5 s, link_queue.ts).
 */
export const RETRY_MS = 2000;
/** A partner's rate is taken as at least this many blocks per round. */
export const MIN_RATE = 8;

/** A partner's latest buffer map and what it delivered. */
interface Partner {
  base: number;
  bits: Uint8Array;
  /** The newest seq its map holds, -1 before any map. */
  top: number;
  /** Blocks received from it since the last round, and per round lately (smoothed). */
  got: number;
  rate: number;
}

/** Sets bit `i` of a map. */
function setBit(bits: Uint8Array, i: number): void {
  bits[i >> 3] |= 1 << (i & 7);
}

/** True when bit `i` of a map is set. */
function hasBit(bits: Uint8Array, i: number): boolean {
  return i >= 0 && i < bits.length * 8 && (bits[i >> 3] & (1 << (i & 7))) !== 0;
}

/** A map of the seqs in `seqs` (ascending), from the first of them. */
export function mapOf(t: MapMsg["t"], seqs: readonly number[]): MapMsg {
  const base = seqs[0];
  const bits = new Uint8Array(((seqs[seqs.length - 1] - base) >> 3) + 1);
  for (const s of seqs) setBit(bits, s - base);
  return { t, base, bits };
}

/** The seqs a map has. */
export function seqsOf(m: MapMsg): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.bits.length * 8; i++) if (hasBit(m.bits, i)) out.push(m.base + i);
  return out;
}

/** A node of the pull mesh. */
export class PullNode extends BaselineNode {
  readonly mesh: Neighbours;
  readonly partners = new Map<Addr, Partner>();
  /** When each seq was last asked for (by slot of seq mod the ring). */
  readonly #askedAt = new Float64Array(1 << 13).fill(-Infinity);
  readonly #askedSeq = new Float64Array(1 << 13).fill(-1);
  /** Stream blocks (data and signatures) per second, from the stream rate. */
  readonly #seqsPerSec: number;
  #nextRound: number;

  /** A pull peer or source born at `now`. */
  constructor(now: number, init: BaselineInit) {
    super(now, init);
    this.mesh = meshOf(this);
    this.#seqsPerSec = this.streamBps / (BLOCK_PAYLOAD * 8) * 13 / 12;
    // Rounds start at a random phase: nodes' clocks are not in step.
    this.#nextRound = now + this.rng.next() * ROUND_MS;
  }

  /** {@inheritDoc BaselineNode.learn} */
  learn(addrs: readonly Addr[]): void {
    this.mesh.learn(addrs);
  }

  protected heard(now: number, from: Addr): void {
    this.mesh.heard(now, from);
  }

  protected relay(_now: number, _block: Block, _from: Addr): void {
    // Nothing is pushed: partners learn of the block from the next buffer map.
  }

  protected onMessage(now: number, from: Addr, msg: BaselineMsg): void {
    if (meshMessage(this, this.mesh, now, from, msg)) {
      if (!this.mesh.links.has(from)) this.partners.delete(from);
      return;
    }
    if (!this.mesh.links.has(from)) return;
    if (msg.t === "bufmap") {
      const p = this.#partner(from);
      p.base = msg.base;
      p.bits = msg.bits;
      p.top = msg.base + msg.bits.length * 8 - 1;
      while (p.top >= p.base && !hasBit(p.bits, p.top - p.base)) p.top--;
    } else if (msg.t === "request") {
      for (const s of seqsOf(msg)) this.sendBlock(now, from, s);
    }
  }

  #partner(a: Addr): Partner {
    let p = this.partners.get(a);
    if (!p) {
      p = {
        base: 0,
        bits: new Uint8Array(0),
        top: -1,
        got: 0,
        rate: this.#seqsPerSec / 4,
      };
      this.partners.set(a, p);
    }
    return p;
  }

  /** Counts a block delivered by a partner (for its rate). */
  override handleMessage(now: number, from: Addr, msg: SimMsg): void {
    if (msg.t === "block") {
      const p = this.partners.get(from);
      if (p) p.got++;
    }
    super.handleMessage(now, from, msg);
  }

  protected tick(now: number): void {
    if (now < this.#nextRound) return;
    this.#nextRound += ROUND_MS;
    meshRound(this, this.mesh, now);
    for (const a of this.partners.keys()) if (!this.mesh.links.has(a)) this.partners.delete(a);
    this.#sendMaps();
    if (this.role === "peer") this.#schedule(now);
  }

  /** A buffer map of the newest {@link MAP_SEQS} seqs to every partner. */
  #sendMaps(): void {
    const top = this.store.top;
    if (top < 0) {
      // Nothing to offer yet; partners still hear from us.
      for (const a of this.mesh.links.keys()) this.send(a, { t: "alive" });
      return;
    }
    const base = Math.max(0, top - MAP_SEQS + 1);
    const bits = new Uint8Array(((top - base) >> 3) + 1);
    for (let s = base; s <= top; s++) if (this.store.has(s)) setBit(bits, s - base);
    for (const a of this.mesh.links.keys()) this.send(a, { t: "bufmap", base, bits });
  }

  /** DONet's scheduling round: rarest first, each from the supplier that frees soonest. */
  #schedule(now: number): void {
    const ps: [Addr, Partner][] = [];
    let newest = -1;
    for (const [a, p] of this.partners) {
      p.rate = 0.5 * p.rate + 0.5 * p.got;
      p.got = 0;
      if (p.top >= 0) {
        ps.push([a, p]);
        newest = Math.max(newest, p.top);
      }
    }
    if (ps.length === 0) return;
    const from = this.playback?.started
      ? this.floor()
      : Math.max(0, newest - Math.round(this.#seqsPerSec * START_BACK_MS / 1000));
    // Missing seqs with their suppliers, rarest first; among equally rare ones in random
    // order, so that partners asking the same supplier ask it for different blocks.
    const wanted: { seq: number; sup: number[]; tie: number }[] = [];
    for (let s = from; s <= Math.min(newest, from + MAP_SEQS - 1); s++) {
      if (this.seen.has(s)) continue;
      const slot = s & (this.#askedAt.length - 1);
      if (this.#askedSeq[slot] === s && now - this.#askedAt[slot] < RETRY_MS) continue;
      const sup: number[] = [];
      for (let j = 0; j < ps.length; j++) if (hasBit(ps[j][1].bits, s - ps[j][1].base)) sup.push(j);
      if (sup.length > 0) wanted.push({ seq: s, sup, tie: this.rng.next() });
    }
    wanted.sort((a, b) => a.sup.length - b.sup.length || a.tie - b.tie);
    const load = new Array(ps.length).fill(0);
    const asks: number[][] = ps.map(() => []);
    for (const w of wanted) {
      let best = -1, bestCost = Infinity;
      for (const j of w.sup) {
        const cost = (load[j] + 1) / Math.max(MIN_RATE, ps[j][1].rate);
        if (cost < bestCost) [best, bestCost] = [j, cost];
      }
      if (best < 0) continue;
      load[best]++;
      asks[best].push(w.seq);
      const slot = w.seq & (this.#askedAt.length - 1);
      this.#askedSeq[slot] = w.seq;
      this.#askedAt[slot] = now;
    }
    for (let j = 0; j < ps.length; j++) {
      if (asks[j].length === 0) continue;
      asks[j].sort((a, b) => a - b);
      this.stats.repairAsked += asks[j].length;
      this.send(ps[j][0], mapOf("request", asks[j]));
    }
  }
}

/** Requests are served in turns between partners, as over DONet's TCP connections. */
const FAIR = { order: "fair" } as const;

/** `--design pull`. */
export const PULL: Design = {
  name: "pull",
  makeSource: (now, spec) => new PullNode(now, { role: "source", spec, queue: FAIR }),
  makePeer: (now, spec) => new PullNode(now, { role: "peer", spec, queue: FAIR }),
  size: (msg) => baselineSize(msg as BaselineMsg),
};
