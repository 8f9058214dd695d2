/**
 * The ban list (patent [0039], [0054]-[0055]): peers whose connection this peer dropped.
 * New connections avoid them. Every `rollMs` each entry is released with probability
 * `releaseChance` (the patent's eight-sided die), so a peer that was slow once gets another
 * chance later. The list is bounded: past `max` entries the oldest is forgotten.
 */
import type { Rng } from "../rand.ts";
import type { Addr } from "../wire/messages.ts";

/** Options of a {@link BanList}. */
export interface BanListOptions {
  readonly rollMs: number;
  readonly releaseChance: number;
  /** The release chance of a ban on evidence (see {@link BanList.ban}); `releaseChance` if absent. */
  readonly provenReleaseChance?: number;
  readonly max: number;
}

/** A bounded ban list with random release. */
export class BanList {
  /** Each banned peer's chance of release per roll, oldest ban first. */
  #banned = new Map<Addr, number>();
  #nextRoll: number | undefined;
  readonly #opts: BanListOptions;
  readonly #rng: Rng;

  /** A ban list that draws its releases from `rng`. */
  constructor(opts: BanListOptions, rng: Rng) {
    this.#opts = opts;
    this.#rng = rng;
  }

  /**
   * Bans `addr` from `now` on. `proven`: on evidence of malice, not of slowness (a forged
   * block; an uploader that took a connection and sent nothing on it), released with
   * `provenReleaseChance` per roll instead: the die is for peers that were slow once.
   */
  ban(now: number, addr: Addr, proven = false): void {
    const { releaseChance, provenReleaseChance = releaseChance } = this.#opts;
    this.#banned.delete(addr);
    this.#banned.set(addr, proven ? provenReleaseChance : releaseChance);
    if (this.#banned.size > this.#opts.max) {
      this.#banned.delete(this.#banned.keys().next().value as Addr);
    }
    this.#nextRoll ??= now + this.#opts.rollMs;
  }

  /** True while `addr` is banned. */
  has(addr: Addr): boolean {
    // Most peers ban nobody most of the time: no lookup then (asked for every block).
    return this.#banned.size !== 0 && this.#banned.has(addr);
  }

  /** How many peers are banned. */
  get size(): number {
    return this.#banned.size;
  }

  /** Rolls the dice for every entry once per `rollMs`. */
  tick(now: number): void {
    if (this.#nextRoll === undefined || now < this.#nextRoll) return;
    this.#nextRoll = this.#banned.size > 0 ? now + this.#opts.rollMs : undefined;
    for (const [addr, chance] of [...this.#banned]) {
      if (this.#rng.chance(chance)) this.#banned.delete(addr);
    }
  }
}
