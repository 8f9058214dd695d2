/**
 * How long this peer waits for the answer to a connection request before it counts the
 * request as lost and asks again (or asks someone else).
 *
 * A fixed wait must cover the slowest path a request could take (half a second or more on
 * the internet), yet on a fast path a lost "connect" or "accept" then costs a joiner that
 * whole wait: with 2 % loss each way, about one joiner in three loses one of its dozen
 * first requests, and its playback starts that much later (docs/running.md, "First
 * bytes"). So the wait follows the answers this peer has had: a multiple of the time
 * accepts took, never below `minMs` and never above the fixed wait. The estimate rises to a
 * slow answer at once and falls back slowly, so a burst of slow answers (a busy upstream)
 * does not cut the wait short.
 */
export class ConnectTimeout {
  /** Time an accept took (ms, rising at once, falling by an eighth a sample); -1: none yet. */
  #rttMs = -1;

  /**
   * @param factor The wait is this multiple of the estimate (0: always `maxMs`).
   * @param minMs The shortest wait.
   * @param maxMs The wait before any answer, and the longest.
   */
  constructor(
    readonly factor: number,
    readonly minMs: number,
    readonly maxMs: number,
  ) {}

  /** An accept came `ms` after its request. */
  answered(ms: number): void {
    if (!(ms >= 0)) return;
    this.#rttMs = this.#rttMs < 0 || ms > this.#rttMs ? ms : this.#rttMs + (ms - this.#rttMs) / 8;
  }

  /** The time accepts take, as estimated (-1 before the first). */
  get rttMs(): number {
    return this.#rttMs;
  }

  /** How long a request may go unanswered now. */
  get waitMs(): number {
    if (this.factor <= 0 || this.#rttMs < 0) return this.maxMs;
    return Math.min(this.maxMs, Math.max(this.minMs, this.factor * this.#rttMs));
  }
}
