/**
 * Per-address rate limiting: a token bucket per remote address (per /64 for IPv6, see
 * client_key.ts), refilled at `rate` requests a second up to `burst`. It is per instance (in
 * memory), which is what matters: it keeps one address from spending an instance's KV budget.
 * Memory is bounded by `maxKeys` whatever the traffic: buckets that have refilled are
 * forgotten first, and if a flood of distinct addresses leaves none refilled, the oldest
 * buckets are forgotten (their addresses start again with a full burst, the price of the
 * bound).
 */

/** Rate limit settings; rate 0 turns limiting off. */
export interface RateLimitOptions {
  /** Sustained requests per second per address. */
  readonly rate: number;
  /** Requests an address may make at once after a quiet spell. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets keyed by address. */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();

  /** A limiter; `maxKeys` bounds memory (refilled buckets are swept past it). */
  constructor(options: RateLimitOptions, maxKeys = 100_000) {
    const { rate, burst } = options;
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`bad rate ${rate}`);
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`bad burst ${burst}`);
    this.#rate = rate;
    this.#burst = burst;
    this.#maxKeys = maxKeys;
  }

  /** Spends one token of `key` at time `now` (ms); false when the bucket is empty. */
  take(key: string, now: number): boolean {
    if (this.#rate === 0) return true;
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#sweep(now);
      if (this.#buckets.size >= this.#maxKeys) this.#evictOldest();
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) * this.#rate) / 1000);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Addresses tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Forgets the oldest tenth of the buckets (a Map iterates in insertion order), so a flood
   * of new addresses pays for one sweep per tenth of `maxKeys`, not one per address.
   */
  #evictOldest(): void {
    let n = this.#buckets.size - Math.floor(this.#maxKeys * 0.9);
    for (const k of this.#buckets.keys()) {
      if (n-- <= 0) break;
      this.#buckets.delete(k);
    }
  }

  #sweep(now: number): void {
    const full = (1000 * this.#burst) / this.#rate;
    for (const [k, b] of this.#buckets) if (now - b.at >= full) this.#buckets.delete(k);
  }
}
