/**
 * The tracker, in process, for the simulator: the same club deck as the real tracker
 * (lib/club/deck.ts, patent [0031]) and a random sample of live peers for each announce.
 */
import { ClubDeck } from "../lib/club/deck.ts";
import type { Rng } from "../lib/rand.ts";

/** A peer as the tracker lists it. */
export interface Listed {
  readonly addr: string;
  readonly clubs: readonly number[];
}

/** An in-memory tracker for one channel. */
export class SimTracker {
  readonly deck: ClubDeck;
  readonly #peers = new Map<string, Listed>();
  readonly #list: string[] = [];
  readonly #rng: Rng;

  /** A tracker for a channel of `clubs` clubs. */
  constructor(clubs: number, rng: Rng) {
    this.deck = new ClubDeck(clubs, rng.fork());
    this.#rng = rng;
  }

  /** Registers a peer (or refreshes it). */
  add(addr: string, clubs: readonly number[]): void {
    if (!this.#peers.has(addr)) this.#list.push(addr);
    this.#peers.set(addr, { addr, clubs });
  }

  /** Removes a peer (it left or died). */
  remove(addr: string): void {
    if (!this.#peers.delete(addr)) return;
    const i = this.#list.indexOf(addr);
    this.#list[i] = this.#list[this.#list.length - 1];
    this.#list.pop();
  }

  /** A random sample of up to `n` listed peers, never `asker`. */
  sample(asker: string, n: number): Listed[] {
    const out: Listed[] = [];
    const len = this.#list.length;
    if (len <= n + 1) {
      for (const a of this.#list) if (a !== asker) out.push(this.#peers.get(a)!);
      return out;
    }
    const picked = new Set<number>();
    while (out.length < n) {
      const i = this.#rng.int(len);
      if (picked.has(i) || this.#list[i] === asker) continue;
      picked.add(i);
      out.push(this.#peers.get(this.#list[i])!);
    }
    return out;
  }
}
