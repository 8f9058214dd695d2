/**
 * The quality measure of patent [0063]: how many skips and freezes happened within a recent
 * time window. Events are noted in time order, so old ones fall off the front.
 */

/** Counts of playback trouble within the window. */
export interface QualityCounts {
  readonly skips: number;
  readonly freezes: number;
}

/**
 * A sliding window of skip and freeze times.
 *
 * @example
 * ```ts
 * import { QualityWindow } from "./quality.ts";
 * const q = new QualityWindow(1000);
 * q.note("skip", 100);
 * q.note("freeze", 900);
 * if (q.counts(1050).skips !== 1) throw new Error();
 * if (q.counts(1100).skips !== 0 || q.counts(1100).freezes !== 1) throw new Error();
 * ```
 */
export class QualityWindow {
  #at: number[] = [];
  #kind: ("skip" | "freeze")[] = [];
  #head = 0;

  /** Counts events in the last `windowMs` ms (a positive number). */
  constructor(readonly windowMs: number) {
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
      throw new RangeError(`bad quality window ${windowMs}`);
    }
  }

  /** How many events are held (bounded by the events of one window). */
  get size(): number {
    return this.#at.length - this.#head;
  }

  /** Records a skip or a freeze at `at`; times must not decrease. */
  note(kind: "skip" | "freeze", at: number): void {
    this.#at.push(at);
    this.#kind.push(kind);
    this.#prune(at - this.windowMs);
  }

  /** Skips and freezes with `now - windowMs < at <= now`. */
  counts(now: number): QualityCounts {
    this.#prune(now - this.windowMs);
    let skips = 0, freezes = 0;
    for (let i = this.#head; i < this.#at.length && this.#at[i] <= now; i++) {
      if (this.#kind[i] === "skip") skips++;
      else freezes++;
    }
    return { skips, freezes };
  }

  /** Drops events at or before `cutoff`, compacting now and then to keep memory bounded. */
  #prune(cutoff: number): void {
    while (this.#head < this.#at.length && this.#at[this.#head] <= cutoff) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#at.length) {
      this.#at = this.#at.slice(this.#head);
      this.#kind = this.#kind.slice(this.#head);
      this.#head = 0;
    }
  }
}
