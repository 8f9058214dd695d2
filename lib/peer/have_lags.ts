/**
 * How long a downstream's "have"s take, as seen by a non-lead in-club upstream: for the last
 * few blocks it held for that downstream, the time from getting the block to the "have". The
 * hold for that downstream is set from a high rank of these (peer_relay.ts, `holdFor`): a
 * hold shorter than the downstream's usual lag only sends a copy its lead delivers anyway.
 */
export class HaveLags {
  readonly #lags: Float64Array;
  #pos = 0;
  /** The lag at the kept rank plus the margin, ms (0 until haves come). */
  holdMs = 0;

  /** Keeps `size` lags; the hold is the one at `rank` (0-based, ascending) plus `marginMs`. */
  constructor(size = 16, readonly rank = 13, readonly marginMs = 30) {
    if (!(rank >= 0 && rank < size)) throw new RangeError(`rank ${rank} of ${size}`);
    this.#lags = new Float64Array(size);
  }

  /** Notes one lag, ms. */
  add(lagMs: number): void {
    this.#lags[this.#pos] = lagMs;
    this.#pos = (this.#pos + 1) % this.#lags.length;
    // A typed array sorts numerically; 16 numbers per "have" cost nothing worth a cache.
    this.holdMs = this.#lags.slice().sort()[this.rank] + this.marginMs;
  }
}
