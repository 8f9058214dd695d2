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

/** Raw counters of a run. */
export class RunCounters {
  /** Bytes sent, by message type (all nodes). */
  readonly sentBytes: Record<string, number> = {};
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

  /** Accounts a datagram of `type` and `bytes` sent by a node. */
  sent(type: string, bytes: number, fromSource: boolean): void {
    this.sentBytes[type] = (this.sentBytes[type] ?? 0) + bytes;
    if (fromSource) this.sourceSentBytes += bytes;
  }

  /** Block bytes and everything else sent. */
  split(): { block: number; control: number } {
    let block = 0, control = 0;
    for (const [t, b] of Object.entries(this.sentBytes)) {
      if (t === "block") block += b;
      else control += b;
    }
    return { block, control };
  }
}

/** Rounds to `digits` decimals, for printing. */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
