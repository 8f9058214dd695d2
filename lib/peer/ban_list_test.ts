import { assert, assertEquals } from "../testing.ts";
import { Rng } from "../rand.ts";
import { BanList } from "./ban_list.ts";

const opts = { rollMs: 5000, releaseChance: 1 / 8, max: 100 };

Deno.test("a banned peer stays banned until a roll releases it", () => {
  const bans = new BanList(opts, new Rng(1));
  bans.ban(0, "a");
  bans.tick(4999);
  assert(bans.has("a"), "no roll before rollMs");
  let t = 0, released = -1;
  for (let i = 1; i <= 200 && released < 0; i++) {
    t = i * 5000;
    bans.tick(t);
    if (!bans.has("a")) released = i;
  }
  assert(released > 0, "released eventually");
});

Deno.test("about one in eight is released per roll", () => {
  const bans = new BanList({ ...opts, max: 10000 }, new Rng(7));
  for (let i = 0; i < 8000; i++) bans.ban(0, `p${i}`);
  bans.tick(5000);
  const released = 8000 - bans.size;
  assert(released > 850 && released < 1150, `released ${released}`);
});

Deno.test("the list is bounded and forgets the oldest", () => {
  const bans = new BanList({ ...opts, max: 3 }, new Rng(1));
  for (const a of ["a", "b", "c", "d"]) bans.ban(0, a);
  assertEquals(bans.size, 3);
  assert(!bans.has("a") && bans.has("d"));
});

Deno.test("a ban on evidence is released with its own chance, a slow peer's with the die", () => {
  const bans = new BanList({ ...opts, releaseChance: 1, provenReleaseChance: 0 }, new Rng(1));
  bans.ban(0, "forger", true);
  bans.ban(0, "slow");
  bans.tick(5000);
  assert(bans.has("forger"), "kept: its release chance is 0");
  assert(!bans.has("slow"), "released: its release chance is 1");
  // Banned again for slowness only, it goes with the die.
  bans.ban(5000, "forger");
  bans.tick(10_000);
  assert(!bans.has("forger"));
});

Deno.test("without provenReleaseChance, every ban is released with releaseChance", () => {
  const bans = new BanList({ ...opts, releaseChance: 1 }, new Rng(1));
  bans.ban(0, "forger", true);
  bans.tick(5000);
  assert(!bans.has("forger"));
});
