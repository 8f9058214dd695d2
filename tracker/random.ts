/**
 * The tracker's randomness: the core's seeded {@link Rng}, seeded here (outside lib/) from
 * the platform's cryptographic generator, one per instance. Nothing secret depends on it;
 * it shuffles decks and samples peer lists.
 */
import { Rng } from "../lib/rand.ts";

/** A generator seeded from crypto.getRandomValues. */
export function randomRng(): Rng {
  return new Rng(crypto.getRandomValues(new Uint32Array(1))[0]);
}
