import { assert, assertEquals } from "../lib/testing.ts";
import { Rng } from "../lib/rand.ts";
import { dealMany, KvDeck } from "./deck_kv.ts";
import { channelKey, deckKey } from "./records.ts";

const CH = "A".repeat(43);

async function withChannel(kv: Deno.Kv, clubs: number): Promise<void> {
  await kv.set(channelKey(CH), { clubs, created: 0, refreshed: 0, ts: 0 });
}

function countCards(pairs: ([number, number] | null)[], clubs: number): number[] {
  const counts = new Array(clubs).fill(0);
  for (const p of pairs) {
    assert(p !== null && p[0] !== p[1], `bad pair ${p}`);
    counts[p[0]]++;
    counts[p[1]]++;
  }
  return counts;
}

Deno.test("two dealers sharing one KV never deal the same card twice", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await withChannel(kv, 12);
    // Two instances, each with its own batching and shuffling, racing on one deck.
    const da = new KvDeck(kv, new Rng(1));
    const db = new KvDeck(kv, new Rng(2));
    const deals: Promise<[number, number] | null>[] = [];
    for (let i = 0; i < 24; i++) {
      deals.push(da.deal(CH));
      deals.push(db.deal(CH));
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    // 48 deals as one sequence are 8 whole decks.
    assertEquals(countCards(await Promise.all(deals), 12), new Array(12).fill(8));
  } finally {
    kv.close();
  }
});

Deno.test("a deal that loses the race to another instance retries on the new deck", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await withChannel(kv, 12);
    let raced = false;
    let theirs: [number, number][] = [];
    // A KV whose first read is followed by another instance's commit before ours.
    const racy = {
      getMany: async (keys: Deno.KvKey[]) => {
        const r = await kv.getMany(keys);
        if (!raced) {
          raced = true;
          theirs = (await dealMany(kv, CH, 3, new Rng(9)))!;
        }
        return r;
      },
      atomic: () => kv.atomic(),
    } as unknown as Deno.Kv;
    let conflicts = 0;
    const mine = await dealMany(racy, CH, 3, new Rng(4), 5, () => conflicts++);
    assertEquals(conflicts, 1);
    // Together with the other instance's 3 pairs: one whole deck, every club exactly once.
    assertEquals(countCards([...theirs, ...mine!], 12), new Array(12).fill(1));
    assertEquals((await kv.get<{ cards: number[] }>(deckKey(CH))).value!.cards, []);
  } finally {
    kv.close();
  }
});

Deno.test("a deck left from another club count is thrown away", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await withChannel(kv, 4);
    await kv.set(deckKey(CH), { clubs: 12, cards: [11, 10] });
    const pairs = await dealMany(kv, CH, 2, new Rng(3));
    assertEquals(countCards(pairs!, 4), [1, 1, 1, 1]);
    assertEquals((await kv.get<{ clubs: number }>(deckKey(CH))).value?.clubs, 4);
  } finally {
    kv.close();
  }
});

Deno.test("dealing for an unknown channel gives null and writes nothing", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assertEquals(await new KvDeck(kv, new Rng(1)).deal(CH), null);
    assertEquals((await kv.get(deckKey(CH))).value, null);
  } finally {
    kv.close();
  }
});
