/** Rates for status lines: kbit/s in and out of a transport over the last sample period. */
import type { TransportStats } from "./transport.ts";

/** Turns a transport's running byte counters into rates, one sample at a time. */
export class RateMeter {
  #at: number | undefined;
  #in = 0;
  #out = 0;
  /** kbit/s received and sent over the last period (0 before the second sample). */
  kbpsIn = 0;
  kbpsOut = 0;

  /** Takes a sample of `stats` at `now` (ms). */
  sample(now: number, stats: TransportStats): void {
    if (this.#at !== undefined && now > this.#at) {
      const ms = now - this.#at;
      this.kbpsIn = ((stats.bytesIn - this.#in) * 8) / ms;
      this.kbpsOut = ((stats.bytesOut - this.#out) * 8) / ms;
    }
    this.#at = now;
    this.#in = stats.bytesIn;
    this.#out = stats.bytesOut;
  }
}
