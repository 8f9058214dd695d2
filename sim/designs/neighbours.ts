/**
 * The neighbour set of an unstructured mesh (the flood and pull-mesh baselines): a node
 * opens links to random peers it learned from the tracker until it has `want`, accepts
 * links from others up to `max`, and drops a link it has heard nothing on for `deadMs`
 * (every datagram from a neighbour counts). A dropped or refused peer is not asked again
 * for `retryMs`. Sans-IO: the caller sends the messages these decisions call for.
 */
import type { Rng } from "../../lib/rand.ts";
import type { Addr } from "../../lib/wire/messages.ts";

/** How a node keeps its neighbours. */
export interface MeshOptions {
  /** Links a node opens until it has this many. */
  readonly want: number;
  /** Links it holds at most, its own and accepted ones. */
  readonly max: number;
  /** A link silent this long is dead, ms. */
  readonly deadMs: number;
  /** An unanswered request is given up after this long, ms. */
  readonly askTimeoutMs: number;
  /** A peer that refused or went silent is not asked again for this long, ms. */
  readonly retryMs: number;
}

/** Defaults: links silent for 3 s are dead, a refused peer waits 30 s. */
export const MESH_DEFAULTS: Omit<MeshOptions, "want" | "max"> = {
  deadMs: 3000,
  askTimeoutMs: 1000,
  retryMs: 30_000,
};

/** Peers known beyond which the oldest learned are forgotten. */
const KNOWN_MAX = 200;

/** A node's links and the peers it could link to. */
export class Neighbours {
  /** Linked peers and when each was last heard. */
  readonly links = new Map<Addr, number>();
  readonly #o: MeshOptions;
  readonly #rng: Rng;
  readonly #self: Addr;
  readonly #known: Addr[] = [];
  readonly #knownSet = new Set<Addr>();
  readonly #asked = new Map<Addr, number>();
  readonly #failed = new Map<Addr, number>();

  /** An empty neighbour set of node `self`. */
  constructor(o: MeshOptions, rng: Rng, self: Addr) {
    this.#o = o;
    this.#rng = rng;
    this.#self = self;
  }

  /** Learns peers it may link to. */
  learn(addrs: Iterable<Addr>): void {
    for (const a of addrs) {
      if (a === this.#self || this.#knownSet.has(a)) continue;
      this.#knownSet.add(a);
      this.#known.push(a);
      if (this.#known.length > KNOWN_MAX) this.#knownSet.delete(this.#known.shift()!);
    }
  }

  /** A datagram from `from` came at `now`. */
  heard(now: number, from: Addr): void {
    if (this.links.has(from)) this.links.set(from, now);
  }

  /** `from` asks to link: true when it is (now) a neighbour, false to refuse. */
  offered(now: number, from: Addr): boolean {
    if (this.links.has(from)) return true;
    if (this.links.size >= this.#o.max) return false;
    this.#asked.delete(from);
    this.links.set(from, now);
    return true;
  }

  /** `from` took our request: true when it is a neighbour, false to close it again (full). */
  accepted(now: number, from: Addr): boolean {
    if (this.links.has(from)) return true;
    if (!this.#asked.delete(from) || this.links.size >= this.#o.max) return false;
    this.links.set(from, now);
    return true;
  }

  /** `from` refused our request or closed the link. */
  refused(now: number, from: Addr): void {
    this.links.delete(from);
    this.#asked.delete(from);
    this.#failed.set(from, now);
  }

  /**
   * Drops links silent for `deadMs` and requests unanswered for `askTimeoutMs`, and picks
   * peers to ask so that links and open requests make `want`.
   */
  maintain(now: number): { dead: Addr[]; ask: Addr[] } {
    const o = this.#o;
    const dead: Addr[] = [];
    for (const [a, heard] of this.links) {
      if (now - heard > o.deadMs) {
        this.links.delete(a);
        this.#failed.set(a, now);
        dead.push(a);
      }
    }
    for (const [a, at] of this.#asked) {
      if (now - at > o.askTimeoutMs) {
        this.#asked.delete(a);
        this.#failed.set(a, now);
      }
    }
    for (const [a, at] of this.#failed) if (now - at > o.retryMs) this.#failed.delete(a);
    const ask: Addr[] = [];
    let need = o.want - this.links.size - this.#asked.size;
    // From a random place in the known list (itself in the tracker's random order) onwards.
    const known = this.#known, n = known.length;
    const start = n > 0 && need > 0 ? this.#rng.int(n) : 0;
    for (let k = 0; need > 0 && k < n; k++) {
      const a = known[(start + k) % n];
      if (this.links.has(a) || this.#asked.has(a) || this.#failed.has(a)) continue;
      this.#asked.set(a, now);
      ask.push(a);
      need--;
    }
    return { dead, ask };
  }
}
