/**
 * What a simulation run measures. Every figure is counted from what happened in the run
 * (datagrams sent, blocks verified, blocks played or skipped), never derived from settings.
 */

/** A histogram of milliseconds in 1 ms buckets up to `maxMs` (larger values pile up at the end). */
export class MsHistogram {
  readonly #buckets: Float64Array;
  count = 0;
  max = 0;

  /** A histogram covering 0..maxMs. */
  constructor(maxMs = 60_000) {
    this.#buckets = new Float64Array(maxMs + 1);
  }

  /** Records one value. */
  add(ms: number): void {
    const i = Math.min(this.#buckets.length - 1, Math.max(0, Math.round(ms)));
    this.#buckets[i]++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The histogram as plain data. */
  snapshot(): { buckets: Float64Array; count: number; max: number } {
    return { buckets: this.#buckets, count: this.count, max: this.max };
  }

  /** Adds another histogram's values (a snapshot of one with the same range). */
  absorb(o: { buckets: Float64Array; count: number; max: number }): void {
    for (let i = 0; i < this.#buckets.length; i++) this.#buckets[i] += o.buckets[i];
    this.count += o.count;
    this.max = Math.max(this.max, o.max);
  }

  /** The value at quantile q (0..1), ms; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const target = q * this.count;
    let acc = 0;
    for (let i = 0; i < this.#buckets.length; i++) {
      acc += this.#buckets[i];
      if (acc >= target && acc > 0) return i;
    }
    return this.#buckets.length - 1;
  }
}

/** The second (from 0) that time `at` (ms) falls in. */
function secondOf(at: number): number {
  return Math.max(0, Math.floor(at / 1000));
}

/** Pads each of a series' per-second columns with zeros up to second `s`. */
function growTo(s: number, columns: readonly number[][]): void {
  for (const c of columns) while (c.length <= s) c.push(0);
}

/** Adds a per-second column into another, second by second. */
function addSeconds(into: number[], from: readonly number[]): void {
  for (let s = 0; s < from.length; s++) into[s] = (into[s] ?? 0) + from[s];
}

/**
 * Blocks played and skipped in each second of playhead time, over every peer and over the
 * survivors of a churn or mass-failure run (peers that neither leave nor die).
 */
export class DeliverySeries {
  readonly played: number[] = [];
  readonly skipped: number[] = [];
  readonly survivorPlayed: number[] = [];
  readonly survivorSkipped: number[] = [];

  /** Counts one playback event at playhead time `at` (ms). */
  add(at: number, played: boolean, survivor: boolean): void {
    const s = secondOf(at);
    if (this.played.length <= s) {
      growTo(s, [this.played, this.skipped, this.survivorPlayed, this.survivorSkipped]);
    }
    (played ? this.played : this.skipped)[s]++;
    if (survivor) (played ? this.survivorPlayed : this.survivorSkipped)[s]++;
  }

  /** Adds another series' counts (one of its snapshots: the same fields, as plain data). */
  absorb(
    o: Pick<DeliverySeries, "played" | "skipped" | "survivorPlayed" | "survivorSkipped">,
  ): void {
    addSeconds(this.played, o.played);
    addSeconds(this.skipped, o.skipped);
    addSeconds(this.survivorPlayed, o.survivorPlayed);
    addSeconds(this.survivorSkipped, o.survivorSkipped);
  }

  /** Delivery per second, played / (played + skipped); null for a second with no event. */
  delivery(survivors = false): (number | null)[] {
    const p = survivors ? this.survivorPlayed : this.played;
    const k = survivors ? this.survivorSkipped : this.skipped;
    return p.map((x, i) => (x + k[i] > 0 ? round(x / (x + k[i]), 6) : null));
  }
}

/**
 * Block bytes that came to peers in each second of simulated time: new to their receiver
 * (useful) or already held (redundant), so the duplicate ratio can be followed through a run.
 */
export class BlockBytesSeries {
  readonly useful: number[] = [];
  readonly redundant: number[] = [];

  /** Counts `bytes` of a block that arrived at `at` (ms). */
  add(at: number, bytes: number, redundant: boolean): void {
    const s = secondOf(at);
    if (this.useful.length <= s) growTo(s, [this.useful, this.redundant]);
    (redundant ? this.redundant : this.useful)[s] += bytes;
  }

  /** Adds another series' counts (a snapshot: the same fields, as plain data). */
  absorb(o: Pick<BlockBytesSeries, "useful" | "redundant">): void {
    addSeconds(this.useful, o.useful);
    addSeconds(this.redundant, o.redundant);
  }

  /** Redundant / useful bytes per second; null for a second with no useful bytes. */
  duplicateRatio(): (number | null)[] {
    return this.useful.map((u, i) => (u > 0 ? round(this.redundant[i] / u, 4) : null));
  }
}

/** Raw counters of a run. */
export class RunCounters {
  /**
   * Bytes sent, by message type (all nodes), every type but "block": in the order each was
   * first sent (the report's order).
   */
  readonly sentBytes: Record<string, number> = {};
  /** Bytes of "block" datagrams sent (apart: the common case skips the keyed update). */
  blockBytes = 0;
  sourceSentBytes = 0;
  /**
   * The source's bytes by message type, its repairs ("want" answered) apart as
   * "block (repair)": what the source's upload beyond its two pushed copies is made of.
   */
  readonly sourceSentByType: Record<string, number> = {};
  streamBytes = 0;
  usefulBlockBytes = 0;
  redundantBlockBytes = 0;
  played = 0;
  skipped = 0;
  readonly latency = new MsHistogram();
  readonly startup = new MsHistogram();
  datagramsLost = 0;
  events = 0;
  /** Played and skipped blocks of survivors from `--scenario`'s recovery mark on. */
  afterPlayed = 0;
  afterSkipped = 0;
  readonly series = new DeliverySeries();
  /** Block bytes per second, measured window only (as `usefulBlockBytes`). */
  readonly blockSeries = new BlockBytesSeries();

  /**
   * Accounts a datagram of `type` and `bytes` sent by a node; `repair`: a block sent in
   * answer to a "want".
   */
  sent(type: string, bytes: number, fromSource: boolean, repair = false): void {
    if (type === "block") this.blockBytes += bytes;
    else this.sentBytes[type] = (this.sentBytes[type] ?? 0) + bytes;
    if (fromSource) {
      this.sourceSentBytes += bytes;
      const key = repair ? "block (repair)" : type;
      this.sourceSentByType[key] = (this.sourceSentByType[key] ?? 0) + bytes;
    }
  }

  /** The counters as plain data (they cross from a worker). */
  snapshot() {
    const { latency, startup, series, blockSeries, sentBytes, sourceSentByType, ...plain } = this;
    return {
      ...plain,
      sentBytes: { ...sentBytes },
      sourceSentByType: { ...sourceSentByType },
      latency: latency.snapshot(),
      startup: startup.snapshot(),
      series: {
        played: series.played,
        skipped: series.skipped,
        survivorPlayed: series.survivorPlayed,
        survivorSkipped: series.survivorSkipped,
      },
      blockSeries: { useful: blockSeries.useful, redundant: blockSeries.redundant },
    };
  }

  /** Adds another run part's counters (a snapshot) to these. */
  absorb(o: ReturnType<RunCounters["snapshot"]>): void {
    for (const [type, bytes] of Object.entries(o.sentBytes)) {
      this.sentBytes[type] = (this.sentBytes[type] ?? 0) + bytes;
    }
    for (const [type, bytes] of Object.entries(o.sourceSentByType)) {
      this.sourceSentByType[type] = (this.sourceSentByType[type] ?? 0) + bytes;
    }
    this.blockBytes += o.blockBytes;
    this.sourceSentBytes += o.sourceSentBytes;
    this.streamBytes += o.streamBytes;
    this.usefulBlockBytes += o.usefulBlockBytes;
    this.redundantBlockBytes += o.redundantBlockBytes;
    this.played += o.played;
    this.skipped += o.skipped;
    this.datagramsLost += o.datagramsLost;
    this.events += o.events;
    this.afterPlayed += o.afterPlayed;
    this.afterSkipped += o.afterSkipped;
    this.latency.absorb(o.latency);
    this.startup.absorb(o.startup);
    this.series.absorb(o.series);
    this.blockSeries.absorb(o.blockSeries);
  }

  /** Block bytes and everything else sent. */
  split(): { block: number; control: number } {
    let control = 0;
    for (const b of Object.values(this.sentBytes)) control += b;
    return { block: this.blockBytes, control };
  }
}

/** Rounds to `digits` decimals, for printing. */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
