/**
 * The play delay as a function of local time, for patent [0061]: below the reasonable range
 * the playhead runs slower (the delay grows), above it faster (the delay shrinks), inside it
 * at normal speed. Everything is closed-form from one anchor `(t0, d0)`, so the delay at a
 * time and the time a source instant falls due do not depend on how often anyone asked:
 * integrating in steps would round differently for different call patterns.
 */

/** The reasonable range and the correction speed. */
export interface DelayRange {
  /** The delay aimed for, ms. */
  readonly target: number;
  /** The range is `target ± tolerance`, inclusive. */
  readonly tolerance: number;
  /** Slow-down / speed-up factor: the playhead runs at `1 ∓ step`. */
  readonly step: number;
}

/**
 * A play delay that drifts toward the reasonable range. Position of the playhead on the
 * (offset-corrected) source clock is `t - delay(t)`; a block of corrected source time `q`
 * falls due when that position reaches `q`.
 *
 * @example
 * ```ts
 * import { PlayDelay } from "./delay.ts";
 * const d = new PlayDelay({ target: 3000, tolerance: 250, step: 0.05 }, 0, 1000);
 * if (d.at(1000) !== 1050) throw new Error(); // too low: grows by 5% of elapsed time
 * if (d.at(1e6) !== 2750) throw new Error(); // stops at the edge of the range
 * ```
 */
export class PlayDelay {
  #t0: number;
  #d0: number;
  readonly #lo: number;
  readonly #hi: number;
  readonly #k: number;

  /** Anchors the delay at `d0` ms at local time `t0`. */
  constructor(range: DelayRange, t0: number, d0: number) {
    this.#lo = range.target - range.tolerance;
    this.#hi = range.target + range.tolerance;
    this.#k = range.step;
    this.#t0 = t0;
    this.#d0 = d0;
  }

  /** The anchor time: the formulas hold for times at or after it. */
  get since(): number {
    return this.#t0;
  }

  /** Re-anchors (after a freeze, or a change of the clock offset). */
  reset(t0: number, d0: number): void {
    this.#t0 = t0;
    this.#d0 = d0;
  }

  /** The delay at local time `t` (times before the anchor read as the anchor). */
  at(t: number): number {
    const dt = Math.max(0, t - this.#t0);
    const d0 = this.#d0;
    if (this.#k > 0 && d0 < this.#lo) return Math.min(this.#lo, d0 + this.#k * dt);
    if (this.#k > 0 && d0 > this.#hi) return Math.max(this.#hi, d0 - this.#k * dt);
    return d0;
  }

  /** The playback rate the delay calls for at time `t`: 1, 1 - step or 1 + step. */
  rateAt(t: number): number {
    const d = this.at(t);
    if (d < this.#lo) return 1 - this.#k;
    if (d > this.#hi) return 1 + this.#k;
    return 1;
  }

  /**
   * The earliest local time, not before the anchor, at which `t - delay(t) >= q`: when a
   * block whose source time plus clock offset is `q` is due.
   */
  due(q: number): number {
    const t0 = this.#t0, d0 = this.#d0, k = this.#k;
    const q0 = t0 - d0;
    if (q <= q0) return t0;
    if (k > 0 && d0 < this.#lo) {
      const end = t0 + (this.#lo - d0) / k;
      if (q <= end - this.#lo) return t0 + (q - q0) / (1 - k);
      return q + this.#lo;
    }
    if (k > 0 && d0 > this.#hi) {
      const end = t0 + (d0 - this.#hi) / k;
      if (q <= end - this.#hi) return t0 + (q - q0) / (1 + k);
      return q + this.#hi;
    }
    return q + d0;
  }
}
