/**
 * How much of what comes to this peer on its live downloads was lost lately: the share of
 * datagrams that the connections' counters skipped (down_monitor.ts), weighted towards the
 * last `1 / weight` or so. A peer takes offers of held copies (offer.ts) only while it is low:
 * each lost block then costs an offer, a "want" and the block, each of which can be lost too.
 */
export class LossGauge {
  /** The share lost, 0..1. */
  rate = 0;
  /** How much each datagram moves `rate`. */
  readonly weight: number = 0;

  /**
   * A gauge that forgets with `weight` per datagram: 1/1024 is some 5 s of a 2 Mbit/s stream's
   * live blocks, enough to tell 1 % loss from 2 % (its spread at 1 % is about 0.2 %).
   */
  constructor(weight = 1 / 1024) {
    if (!(weight > 0 && weight <= 1)) throw new RangeError(`weight ${weight}`);
    this.weight = weight;
  }

  /**
   * One live datagram came, after `gap` that the counter skipped (lost, or yet to come: the
   * rare reordered one is counted lost). A huge gap counts as `MAX_GAP`: one event, not a flood.
   */
  note(gap: number): void {
    const keep = 1 - this.weight;
    let rate = this.rate;
    const lost = gap > 0 ? Math.min(gap, MAX_GAP) : 0;
    for (let i = 0; i < lost; i++) rate = 1 - keep * (1 - rate);
    this.rate = rate * keep;
  }
}

/** The most losses one gap counts. */
const MAX_GAP = 64;
