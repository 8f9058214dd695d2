/**
 * How old blocks of one kind were when they first came to this peer: a quantile of the ages
 * (the peer's clock at arrival minus the block's `srcTime`) of the last 64. Clocks are not
 * synchronised, so an age carries the offset between this peer's clock and the source's; a
 * quantile compared with another age of the same peer cancels it.
 */

/** Ages kept. */
const WINDOW = 64;
/** The quantile is worked out again after every this many ages (sorting is not free). */
const EVERY = 8;
/** Fewer ages than this say nothing yet. */
const MIN_AGES = 16;

/** The last {@link WINDOW} arrival ages, and their `q` quantile. */
export class ArrivalAges {
  readonly #ages = new Float64Array(WINDOW);
  readonly #sorted = new Float64Array(WINDOW);
  #n = 0;
  #quantile: number | undefined;

  /** Keeps the ages' `q` quantile, 0 < q < 1. */
  constructor(readonly q: number) {
    if (!(q > 0 && q < 1)) throw new RangeError(`quantile ${q} out of (0, 1)`);
  }

  /** A block came `age` ms after it was made (by this peer's clock, see the module). */
  add(age: number): void {
    this.#ages[this.#n % WINDOW] = age;
    this.#n++;
    if (this.#n >= MIN_AGES && this.#n % EVERY === 0) {
      const k = Math.min(this.#n, WINDOW);
      const s = this.#sorted.subarray(0, k);
      s.set(this.#ages.subarray(0, k));
      s.sort();
      this.#quantile = s[Math.floor(this.q * k)];
    }
  }

  /**
   * The `q` quantile of the ages kept when their count last reached a multiple of 8 (from 16
   * on), or undefined before that.
   */
  get quantile(): number | undefined {
    return this.#quantile;
  }
}
