/**
 * Loss repair. The patent has no retransmission; a datagram lost on the single connection
 * into another club is a hole. Each club's blocks arrive roughly in order, so when block `s`
 * of club k arrives, the club's earlier numbers between the last one seen and `s` that are
 * still absent are missing. After a short grace (reordering across in-club paths), the peer
 * asks a holder with a "want"; if the block does not come, it asks again, a different holder
 * each time, up to `maxTries`, and gives up once the block could no longer be played.
 * (docs/protocol.md, "Loss repair", has the measurements behind the choice.)
 */

/** Options of a {@link RepairTracker}. */
export interface RepairOptions {
  readonly clubs: number;
  readonly graceMs: number;
  readonly retryMs: number;
  readonly maxTries: number;
  /** At most this many sequence numbers are tracked as missing at once. */
  readonly maxMissing: number;
}

interface Missing {
  readonly since: number;
  askedAt: number;
  tries: number;
}

/** A sequence number to ask for now, and how many times it was asked before. */
export interface RepairDue {
  readonly seq: number;
  readonly tries: number;
}

/** Tracks missing blocks and when to ask for them. */
export class RepairTracker {
  readonly #top = new Map<number, number>();
  readonly #missing = new Map<number, Missing>();
  readonly #o: RepairOptions;
  /** Sequence numbers given up on. */
  abandoned = 0;

  /** A tracker with the given timing. */
  constructor(o: RepairOptions) {
    this.#o = o;
  }

  /** Sequence numbers currently missing. */
  get missing(): number {
    return this.#missing.size;
  }

  /** True if `seq` is being repaired. */
  isMissing(seq: number): boolean {
    return this.#missing.has(seq);
  }

  /**
   * Accounts the arrival of block `seq` at `now`; `held` says which earlier ones this peer
   * already has. Blocks below `floor` are no longer wanted. `lost` says the connection's
   * counter showed a gap right before this block on a link that carries every block of the
   * club (out-of-club): the club's absent numbers were lost, not reordered, so they are
   * asked for at once, without the grace.
   */
  arrived(
    now: number,
    seq: number,
    held: (seq: number) => boolean,
    floor: number,
    lost = false,
  ): void {
    this.#missing.delete(seq);
    const club = seq % this.#o.clubs;
    const top = this.#top.get(club);
    if (top !== undefined && seq <= top) return;
    this.#top.set(club, seq);
    if (top === undefined) return;
    const from = Math.max(top + this.#o.clubs, floor - ((floor - club) % this.#o.clubs));
    for (let s = from; s < seq; s += this.#o.clubs) {
      if (s < floor || held(s) || this.#missing.has(s)) continue;
      if (this.#missing.size >= this.#o.maxMissing) break;
      const since = lost ? now - this.#o.graceMs : now;
      this.#missing.set(s, { since, askedAt: -Infinity, tries: 0 });
    }
  }

  /**
   * The sequence numbers to ask for at `now`, each marked as asked. Those below `floor`
   * (too late to play) are dropped.
   */
  due(now: number, floor: number): RepairDue[] {
    const out: RepairDue[] = [];
    for (const [seq, m] of this.#missing) {
      if (seq < floor || m.tries >= this.#o.maxTries) {
        if (m.tries >= this.#o.maxTries && now - m.askedAt < this.#o.retryMs) continue;
        this.#missing.delete(seq);
        this.abandoned++;
        continue;
      }
      if (now - m.since < this.#o.graceMs || now - m.askedAt < this.#o.retryMs) continue;
      out.push({ seq, tries: m.tries });
      m.tries++;
      m.askedAt = now;
    }
    return out;
  }
}
