/**
 * The simulated network: per-pair one-way latency, per-datagram random loss, per-node upload
 * capacity (the node's send queue drains at that rate), and rules that drop or delay
 * traffic between groups of nodes for a while (partitions, outages).
 *
 * Latency is uniform per pair (issue 2's default network) unless nodes are placed on the
 * map (regions.ts, `--network regions`): then it follows their distance and access links.
 */
import { Rng } from "../lib/rand.ts";
import { type Place, placeLatency } from "./regions.ts";

/** A time-bounded rule on links from nodes in `from` to nodes in `to` (undefined = all). */
export interface NetRule {
  readonly startMs: number;
  readonly endMs: number;
  readonly from?: ReadonlySet<number>;
  readonly to?: ReadonlySet<number>;
  /** "drop" loses every datagram; "delay" adds `ms`. */
  readonly action: "drop" | "delay";
  readonly ms?: number;
}

/** Network settings. */
export interface NetworkOptions {
  readonly minLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly loss: number;
  /** Bytes added to every datagram on the wire (IPv4 + UDP headers). */
  readonly headerBytes: number;
  readonly seed: number;
}

/** Latency, loss, capacity and rules of the simulated network. */
export class Network {
  readonly #o: NetworkOptions;
  /** Seeds each sender's stream of losses. */
  readonly #lossSeed: number;
  /**
   * Each sender's losses come from a stream of its own, so they are the same whichever
   * other nodes send in between (and in whichever partition: partition.ts).
   */
  readonly #losses: (Rng | undefined)[] = [];
  readonly #capacity: number[] = [];
  readonly #places: (Place | undefined)[] = [];
  readonly rules: NetRule[] = [];

  /** A network drawing its losses from `rng`. */
  constructor(o: NetworkOptions, rng: Rng) {
    this.#o = o;
    this.#lossSeed = rng.int(2 ** 32);
  }

  /** Sets node `node`'s upload capacity, bits per second. */
  setCapacity(node: number, bps: number): void {
    this.#capacity[node] = bps;
  }

  /** Node `node`'s upload capacity, bits per second. */
  capacity(node: number): number {
    return this.#capacity[node];
  }

  /** Places node `node` on the map: its latencies then follow regions.ts. */
  place(node: number, p: Place): void {
    this.#places[node] = p;
  }

  /** Where node `node` is, if it was placed. */
  placeOf(node: number): Place | undefined {
    return this.#places[node];
  }

  /** Milliseconds the node's uplink is busy sending `bytes`. */
  serializeMs(node: number, bytes: number): number {
    return ((bytes + this.#o.headerBytes) * 8 * 1000) / this.#capacity[node];
  }

  /**
   * One-way latency between two nodes, the same both ways: by their places when both were
   * placed; otherwise fixed per pair, uniform in [min, max], derived from the seed by
   * hashing so no table of N^2 entries is needed.
   */
  latency(a: number, b: number): number {
    const pa = this.#places[a];
    if (pa !== undefined) {
      const pb = this.#places[b];
      if (pb !== undefined) return placeLatency(pa, pb);
    }
    const lo = Math.min(a, b), hi = Math.max(a, b);
    let h = (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + 1, 0x85ebca77) ^ this.#o.seed) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    const { minLatencyMs: min, maxLatencyMs: max } = this.#o;
    return min + (h / 4294967296) * (max - min);
  }

  /**
   * When a datagram sent from `a` to `b` at `now` (after serialization) arrives, or
   * undefined if it is lost.
   */
  arrival(now: number, a: number, b: number): number | undefined {
    let t = now + this.latency(a, b);
    for (const r of this.rules) {
      if (now < r.startMs || now >= r.endMs) continue;
      if (r.from && !r.from.has(a)) continue;
      if (r.to && !r.to.has(b)) continue;
      if (r.action === "drop") return undefined;
      t += r.ms ?? 0;
    }
    if (this.#o.loss > 0 && this.#lossesOf(a).chance(this.#o.loss)) return undefined;
    return t;
  }

  /**
   * A bound no one-way latency goes below, ms: the least of the uniform range, or twice the
   * shortest access delay of any placed node (regions.ts adds distance to both ends' access).
   */
  lowerBoundMs(): number {
    let least = Infinity;
    for (const p of this.#places) if (p !== undefined) least = Math.min(least, p.accessMs);
    return Math.min(this.#o.minLatencyMs, 2 * least);
  }

  #lossesOf(a: number): Rng {
    let r = this.#losses[a];
    if (r === undefined) {
      r = this.#losses[a] = new Rng((Math.imul(a + 1, 0x9e3779b1) ^ this.#lossSeed) >>> 0);
    }
    return r;
  }
}
