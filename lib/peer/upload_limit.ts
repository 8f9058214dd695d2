/**
 * How many out-of-club uploads a peer can carry, measured on its own send queue. A peer does
 * not know its upload capacity, but while out-of-club blocks back up in its queue it sends
 * them as fast as its link lets it (they wait behind control messages, signature blocks and
 * in-club blocks, and before repairs and catch-up): that rate, divided by the rate one upload
 * carries (its club's share of the stream), is how many out-of-club uploads it can carry.
 * At that many it says "full" in its pongs and refuses new out-of-club downloaders, however
 * short its queue happens to be at the moment, and past it it sheds down to it at once. The
 * limit grows by one each `growMs` the peer spends at it without a backlog, so capacity a
 * passing burst hid is found again.
 *
 * Why: "full" from the queue's delay alone says nothing until the queue has backed up. While a
 * swarm formed, an uploader whose queue had just drained was picked by a crowd of downloaders
 * at once (each had a pong saying "not full" and few uploads): one with room for 12 took 27
 * new ones within a quarter of a second, its queue's delay reached 1.4 s, and it shed one
 * every `shedEveryMs` for three seconds while every one of its downstreams got its blocks late
 * (docs/simulator.md, "Uploads a peer measured it can carry").
 */
export class UploadLimit {
  #limit = Infinity;
  /** Out-of-club blocks sent a second while they backed up (EWMA); NaN before a backlog. */
  #rate = NaN;
  /** When the limit was last set or grown. */
  #since = -Infinity;
  #lastAt = NaN;
  #lastSent = 0;
  #lastBacklogged = false;
  readonly #growMs: number;

  /** A limit that grows by one per `growMs` at it; `growMs` 0 turns the limit off. */
  constructor(growMs: number) {
    this.#growMs = growMs;
  }

  /** The out-of-club uploads the peer takes at most (Infinity until a backlog measured it). */
  get value(): number {
    return this.#limit;
  }

  /** Out-of-club blocks a second the link carried while they backed up; NaN before. */
  get rate(): number {
    return this.#rate;
  }

  /** True when a peer that carries `count` out-of-club uploads takes no more. */
  reached(count: number): boolean {
    return count >= this.#limit;
  }

  /**
   * Housekeeping at `now`. `sentOut`: out-of-club blocks sent so far (a running count);
   * `backlogged`: out-of-club blocks wait in the queue past the "full" delay; `perUpload`:
   * blocks a second one upload carries (0 while unknown); `count`: out-of-club uploads carried.
   * Backlogged now and at the last call, the blocks sent in between measure the link; else a
   * limit reached for `growMs` since it was last set grows by one.
   */
  tick(now: number, sentOut: number, backlogged: boolean, perUpload: number, count: number): void {
    if (this.#growMs <= 0) return;
    const ms = now - this.#lastAt, sent = sentOut - this.#lastSent;
    const measured = backlogged && this.#lastBacklogged && ms > 0 && perUpload > 0;
    this.#lastAt = now;
    this.#lastSent = sentOut;
    this.#lastBacklogged = backlogged;
    if (measured) {
      const sample = (sent * 1000) / ms;
      this.#rate = Number.isNaN(this.#rate) ? sample : this.#rate + 0.2 * (sample - this.#rate);
      this.#limit = Math.max(1, Math.floor(this.#rate / perUpload));
      this.#since = now;
      return;
    }
    if (this.#limit === Infinity || backlogged) return;
    if (count < this.#limit) this.#since = now;
    else if (now - this.#since >= this.#growMs) {
      this.#limit++;
      this.#since = now;
    }
  }
}
