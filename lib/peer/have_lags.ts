/**
 * How long a downstream's "have"s take, as seen by a non-lead in-club upstream: for the last
 * few blocks it held for that downstream, the time from getting the block to the "have". The
 * hold for that downstream is set from a high rank of these (peer_relay.ts, `holdFor`): a
 * hold shorter than the downstream's usual lag only sends a copy its lead delivers anyway.
 */
export class HaveLags {
  /** The last `size` lags, oldest overwritten first. */
  readonly #lags: Float64Array;
  /** The same lags in ascending order, kept so by each `add` (no copy and sort per "have"). */
  readonly #sorted: Float64Array;
  #pos = 0;
  /** The lag at the kept rank plus the margin, ms (0 until haves come). */
  holdMs = 0;

  /** The rank of the lag the hold is set from (0-based, ascending). */
  readonly rank: number = 0;
  /** Added to that lag, ms. */
  readonly marginMs: number = 0;

  /** Keeps `size` lags; the hold is the one at `rank` (0-based, ascending) plus `marginMs`. */
  constructor(size = 16, rank = 13, marginMs = 30) {
    if (!(rank >= 0 && rank < size)) throw new RangeError(`rank ${rank} of ${size}`);
    // Plain fields rather than parameter properties: with those, the compiled class declares
    // every field bare (undefined) first, and V8 would box each new holdMs.
    this.rank = rank;
    this.marginMs = marginMs;
    this.#lags = new Float64Array(size);
    this.#sorted = new Float64Array(size);
  }

  /** Notes one lag, ms. */
  add(lagMs: number): void {
    const old = this.#lags[this.#pos];
    this.#lags[this.#pos] = lagMs;
    this.#pos = (this.#pos + 1) % this.#lags.length;
    // Take `old` out of the sorted copy and put `lagMs` in: one pass over 16 numbers.
    const s = this.#sorted, n = s.length;
    let i = 0;
    while (!Object.is(s[i], old) && i < n - 1) i++;
    for (; i < n - 1; i++) s[i] = s[i + 1];
    let j = n - 1;
    while (j > 0 && before(lagMs, s[j - 1])) {
      s[j] = s[j - 1];
      j--;
    }
    s[j] = lagMs;
    this.holdMs = s[this.rank] + this.marginMs;
  }
}

/** The order of a typed array's sort: numeric, -0 before +0, NaN last. */
function before(a: number, b: number): boolean {
  if (a < b) return true;
  if (a > b || a !== a) return false;
  if (b !== b) return true;
  return a === 0 && b === 0 && Object.is(a, -0) && Object.is(b, 0);
}
