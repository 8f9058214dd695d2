/**
 * The tracker's club deck (patent [0031]): a shuffled list of all clubs; each joining peer
 * is dealt the top two cards, and when the deck runs out a freshly shuffled one replaces it.
 * That keeps club sizes balanced. The functions are pure so the tracker can keep the deck
 * in Deno KV and deal with an atomic check-and-set; {@link ClubDeck} wraps them in memory.
 */
import type { Rng } from "../rand.ts";

/** A freshly shuffled deck holding every club once. */
export function freshDeck(clubs: number, rng: Rng): number[] {
  if (!Number.isInteger(clubs) || clubs < 2) throw new RangeError(`need at least 2 clubs`);
  return rng.shuffle(Array.from({ length: clubs }, (_, i) => i));
}

/**
 * Deals two distinct clubs from the top of `deck`. Returns the two cards and the deck that
 * remains. When the deck holds fewer than two cards, the rest is topped up with a fresh
 * shuffle; a fresh card equal to the one left over is put back under the new deck.
 */
export function dealTwo(
  deck: readonly number[],
  clubs: number,
  rng: Rng,
): { cards: [number, number]; rest: number[] } {
  if (deck.length >= 2) return { cards: [deck[0], deck[1]], rest: deck.slice(2) };
  const fresh = freshDeck(clubs, rng);
  if (deck.length === 0) return { cards: [fresh[0], fresh[1]], rest: fresh.slice(2) };
  const first = deck[0];
  const i = fresh.findIndex((c) => c !== first);
  const second = fresh[i];
  const rest = fresh.filter((_, j) => j !== i);
  return { cards: [first, second], rest };
}

/** An in-memory club deck, as the simulator's tracker uses it. */
export class ClubDeck {
  #deck: number[] = [];
  readonly clubs: number;
  #rng: Rng;

  /** A deck over `clubs` clubs, shuffled by `rng`. */
  constructor(clubs: number, rng: Rng) {
    if (!Number.isInteger(clubs) || clubs < 2) throw new RangeError(`need at least 2 clubs`);
    this.clubs = clubs;
    this.#rng = rng;
  }

  /** The two clubs recommended to the next joining peer. */
  deal(): [number, number] {
    const { cards, rest } = dealTwo(this.#deck, this.clubs, this.#rng);
    this.#deck = rest;
    return cards;
  }
}
