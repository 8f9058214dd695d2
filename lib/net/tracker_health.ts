/**
 * Whether the tracker answers, as the programs see it through their announces. A tracker
 * that is down does not stop a swarm (peers and source keep their connections and stream
 * on), so an outage is said once when it starts and once when it ends, not at every
 * failed heartbeat, and while it lasts the programs retry sooner than their interval.
 */

/** How soon a program announces again after a failed announce, ms (at most). */
export const RETRY_MS = 5000;

/** One program's view of its tracker. */
export class TrackerHealth {
  #downSince: number | undefined;

  /** True while the last announce failed. */
  get down(): boolean {
    return this.#downSince !== undefined;
  }

  /**
   * An announce answered at `now`. Returns the line to print when that ends an outage,
   * else undefined.
   */
  ok(now: number): string | undefined {
    const since = this.#downSince;
    this.#downSince = undefined;
    if (since === undefined) return undefined;
    return `the tracker answers again, after ${((now - since) / 1000).toFixed(1)} s`;
  }

  /**
   * An announce failed at `now` with `why`; the program announces every `intervalMs`.
   * Returns the line to print when this starts an outage, else undefined (one line per
   * outage, not one per retry).
   */
  failed(now: number, why: string, intervalMs: number): string | undefined {
    if (this.#downSince !== undefined) return undefined;
    this.#downSince = now;
    const every = (this.nextInMs(intervalMs) / 1000).toFixed(0);
    return `${why}: streaming on with the peers already known; asking the tracker again ` +
      `every ${every} s`;
  }

  /** Milliseconds to the next announce: `intervalMs`, or sooner while the tracker is down. */
  nextInMs(intervalMs: number): number {
    return this.down ? Math.min(intervalMs, RETRY_MS) : intervalMs;
  }
}
