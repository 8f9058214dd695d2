/**
 * The source's bitrate estimate (patent [0044]-[0045]), carried in every auth block so
 * peers know how fast to upload. Time is cut into fixed intervals from the first call; when
 * an interval closes, its measured rate m updates the estimate E:
 *
 * - m >= E: E = m (an increase is taken at once, so peers never under-provision a jump);
 * - m <  E: E = E - decay * (E - m) (a drop is followed asymptotically, so a brief lull
 *   does not make peers starve the stream).
 *
 * The estimate changes only when an interval closes; the open interval does not count.
 */

/** Options of {@link BitrateEstimator}. */
export interface BitrateOptions {
  /** Interval length, ms (default 1000). */
  readonly intervalMs?: number;
  /** Fraction of a drop taken per interval, 0..1 (default 0.6, the patent's example). */
  readonly decay?: number;
  /** The estimate before the first interval closes, bits/s (default 0). */
  readonly initialBps?: number;
}

/** Bits-per-second estimate of a byte stream, updated once per interval. */
export class BitrateEstimator {
  readonly #interval: number;
  readonly #decay: number;
  #estimate: number;
  #start: number | undefined;
  #last = -Infinity;
  #bytes = 0;

  /** Throws RangeError on a non-positive interval, a decay outside 0..1 or a negative rate. */
  constructor(opts: BitrateOptions = {}) {
    const { intervalMs = 1000, decay = 0.6, initialBps = 0 } = opts;
    if (!(intervalMs > 0 && Number.isFinite(intervalMs))) {
      throw new RangeError(`bad intervalMs ${intervalMs}`);
    }
    if (!(decay >= 0 && decay <= 1)) throw new RangeError(`bad decay ${decay}`);
    if (!(initialBps >= 0 && Number.isFinite(initialBps))) {
      throw new RangeError(`bad initialBps ${initialBps}`);
    }
    this.#interval = intervalMs;
    this.#decay = decay;
    this.#estimate = initialBps;
  }

  /** Counts `bytes` that went out (or came in) at `now`. Throws RangeError if time runs back. */
  record(now: number, bytes: number): void {
    if (!(bytes >= 0 && Number.isFinite(bytes))) throw new RangeError(`bad byte count ${bytes}`);
    this.#roll(now);
    this.#bytes += bytes;
  }

  /** The estimate at `now`, bits per second. Throws RangeError if time runs back. */
  estimate(now: number): number {
    this.#roll(now);
    return this.#estimate;
  }

  /** Closes every interval that ended by `now`. */
  #roll(now: number): void {
    if (!Number.isFinite(now) || now < this.#last) throw new RangeError(`time ran back to ${now}`);
    this.#last = now;
    if (this.#start === undefined) {
      this.#start = now;
      return;
    }
    const closed = Math.floor((now - this.#start) / this.#interval);
    if (closed < 1) return;
    this.#update((this.#bytes * 8 * 1000) / this.#interval);
    this.#bytes = 0;
    // Each further empty interval measured 0: E -= decay * E, in closed form.
    if (closed > 1) this.#estimate *= (1 - this.#decay) ** (closed - 1);
    this.#start += closed * this.#interval;
  }

  #update(m: number): void {
    const e = this.#estimate;
    this.#estimate = m >= e ? m : e - this.#decay * (e - m);
  }
}
