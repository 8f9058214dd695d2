import { assert, assertEquals, assertThrows } from "../testing.ts";
import { Rng } from "../rand.ts";
import { ClubDeck, dealTwo } from "./deck.ts";
import { clubOf } from "./club_of.ts";

Deno.test("24 deals over 12 clubs give each club exactly 4 cards", () => {
  const deck = new ClubDeck(12, new Rng(5));
  const counts = new Array(12).fill(0);
  for (let i = 0; i < 24; i++) {
    const [a, b] = deck.deal();
    assert(a !== b);
    counts[a]++;
    counts[b]++;
  }
  assertEquals(counts, new Array(12).fill(4));
});

Deno.test("an odd club count never deals the same club twice to one peer", () => {
  const deck = new ClubDeck(5, new Rng(2));
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 50; i++) {
    const [a, b] = deck.deal();
    assert(a !== b, `dealt ${a} twice`);
    counts[a]++;
    counts[b]++;
  }
  for (const c of counts) assertEquals(c, 20);
});

Deno.test("dealTwo is pure: the input deck is untouched", () => {
  const deck = [3, 1, 2];
  const { cards, rest } = dealTwo(deck, 4, new Rng(1));
  assertEquals(cards, [3, 1]);
  assertEquals(rest, [2]);
  assertEquals(deck, [3, 1, 2]);
});

Deno.test("clubOf is seq mod clubs and refuses nonsense", () => {
  assertEquals(clubOf(0, 12), 0);
  assertEquals(clubOf(25, 12), 1);
  assertThrows(() => clubOf(-1, 12), RangeError);
  assertThrows(() => clubOf(1, 0), RangeError);
});
