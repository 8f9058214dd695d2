/**
 * The club deck [0031] in Deno KV. Every deal reads the deck, deals from it with the pure
 * `dealTwo`, and writes the rest back with an atomic check of both the deck's and the
 * channel's versionstamps, retrying on conflict; so however many tracker instances share
 * the KV, the deals form one sequence and no card is dealt twice. Joins arriving together
 * on one instance are dealt in one read-and-commit.
 */
import { dealTwo } from "../lib/club/deck.ts";
import type { Rng } from "../lib/rand.ts";
import { Batcher } from "./batcher.ts";
import { channelKey, type ChannelRecord, deckKey, type DeckRecord } from "./records.ts";

/** Deals `n` pairs for one channel in one atomic commit; null if the channel is gone. */
export async function dealMany(
  kv: Deno.Kv,
  channel: string,
  n: number,
  rng: Rng,
  maxAttempts = 50,
  onConflict: () => void = () => {},
): Promise<[number, number][] | null> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const [ch, deck] = await kv.getMany<[ChannelRecord, DeckRecord]>([
      channelKey(channel),
      deckKey(channel),
    ]);
    if (ch.value === null) return null;
    const clubs = ch.value.clubs;
    // A deck dealt for another club count is void: the channel was re-registered.
    let cards: readonly number[] = deck.value?.clubs === clubs ? deck.value.cards : [];
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const dealt = dealTwo(cards, clubs, rng);
      pairs.push(dealt.cards);
      cards = dealt.rest;
    }
    const record: DeckRecord = { clubs, cards };
    const res = await kv.atomic().check(ch, deck).set(deckKey(channel), record).commit();
    if (res.ok) return pairs;
    onConflict();
  }
  throw new Error(`club deck of ${channel}: ${maxAttempts} conflicting attempts`);
}

/** Deals recommendations from the KV deck, batching concurrent joins per channel. */
export class KvDeck {
  readonly #kv: Deno.Kv;
  readonly #rng: Rng;
  readonly #batchers = new Map<string, Batcher<null, [number, number] | null>>();
  /** Commits that lost a race and were retried. */
  conflicts = 0;

  /** A deck dealer over `kv`, shuffling with `rng`. */
  constructor(kv: Deno.Kv, rng: Rng) {
    this.#kv = kv;
    this.#rng = rng;
  }

  /** The two clubs recommended to the next joining peer; null if the channel is unknown. */
  deal(channel: string): Promise<[number, number] | null> {
    let b = this.#batchers.get(channel);
    if (b === undefined) {
      if (this.#batchers.size > 1000) this.#prune();
      b = new Batcher(async (items) => {
        const pairs = await dealMany(
          this.#kv,
          channel,
          items.length,
          this.#rng,
          50,
          () => this.conflicts++,
        );
        return items.map((_, i) => pairs === null ? null : pairs[i]);
      }, 100);
      this.#batchers.set(channel, b);
    }
    return b.submit(null);
  }

  #prune(): void {
    for (const [ch, b] of this.#batchers) if (!b.busy) this.#batchers.delete(ch);
  }
}
