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
    const s = Math.max(0, Math.floor(at / 1000));
    while (this.played.length <= s) {
      this.played.push(0);
      this.skipped.push(0);
      this.survivorPlayed.push(0);
      this.survivorSkipped.push(0);
    }
    (played ? this.played : this.skipped)[s]++;
    if (survivor) (played ? this.survivorPlayed : this.survivorSkipped)[s]++;
  }

  /** Delivery per second, played / (played + skipped); null for a second with no event. */
  delivery(survivors = false): (number | null)[] {
    const p = survivors ? this.survivorPlayed : this.played;
    const k = survivors ? this.survivorSkipped : this.skipped;
    return p.map((x, i) => (x + k[i] > 0 ? round(x / (x + k[i]), 6) : null));
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

  /** Accounts a datagram of `type` and `bytes` sent by a node. */
  sent(type: string, bytes: number, fromSource: boolean): void {
    if (type === "block") this.blockBytes += bytes;
    else this.sentBytes[type] = (this.sentBytes[type] ?? 0) + bytes;
    if (fromSource) this.sourceSentBytes += bytes;
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
