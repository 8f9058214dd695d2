/** A token bucket on an injected clock: `rate` tokens per second, at most `burst` saved. */
export class TokenBucket {
  // Numbers from the start, not bare declarations (undefined at first): V8 then keeps them
  // unboxed, where each store of a fraction would allocate.
  #tokens = 0;
  #last = 0;
  readonly #rate: number;
  readonly #burst: number;

  /** A full bucket at `now`. */
  constructor(rate: number, burst: number, now: number) {
    if (!(rate >= 0) || !(burst >= 0)) throw new RangeError("rate and burst must be >= 0");
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    if (now > this.#last) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#rate) / 1000);
      this.#last = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}
