import { Rng } from "../rand.ts";
import { assert, assertEquals } from "../testing.ts";
import type { Msg } from "../wire/messages.ts";
import { wireSize } from "../wire/size.ts";
import { AddrGuard } from "./addr_guard.ts";

const find: Msg = { t: "find", club: 300, nonce: 1, cookie: 0 };

Deno.test("cookies: one per address and key, never 0, and not guessable from another's", () => {
  const a = new AddrGuard(new Rng(1)), b = new AddrGuard(new Rng(2));
  const again = new AddrGuard(new Rng(1));
  const addrs = Array.from({ length: 2000 }, (_, i) => `10.0.${i >> 8}.${i & 255}:4000`);
  const seen = new Set<number>();
  for (const x of addrs) {
    const c = a.cookie(x);
    assert(Number.isSafeInteger(c) && c >= 1, `cookie ${c}`);
    assertEquals(again.cookie(x), c, "the same key gives the same cookie");
    assert(b.cookie(x) !== c, "another key gives another cookie");
    seen.add(c);
  }
  assertEquals(seen.size, addrs.length, "no two addresses share a cookie");
  // Past the cache's bound the cookie is computed again, and is the same.
  for (const x of addrs) assertEquals(a.cookie(x), again.cookie(x));
});

Deno.test("nonces: unpredictable, distinct, and the same key replays them; finds' apart", () => {
  const a = new AddrGuard(new Rng(1)), again = new AddrGuard(new Rng(1));
  for (const kind of ["nonce", "findNonce"] as const) {
    const nonces = Array.from({ length: 1000 }, () => a[kind]());
    assertEquals(new Set(nonces).size, 1000);
    assert(nonces.every((n) => Number.isSafeInteger(n) && n >= 1));
    assertEquals(nonces.slice(0, 5), Array.from({ length: 5 }, () => again[kind]()));
    // Not a counter: consecutive nonces are far apart.
    assert(nonces.slice(1).every((n, i) => Math.abs(n - nonces[i]) > 2 ** 20));
  }
  const b = new AddrGuard(new Rng(1));
  assert(b.findNonce() !== new AddrGuard(new Rng(1)).nonce(), "a find's nonce is no ping's");
});

Deno.test("an unvalidated address gets at most 3x the bytes it sent, counted low", () => {
  const g = new AddrGuard(new Rng(1));
  assert(!g.allow("x", 1), "nothing before it sent anything");
  g.received("x", find);
  // 4 bytes of each datagram received are not counted: a channel tag may be that much shorter.
  const counted = wireSize(find) - 4;
  assertEquals(g.room("x"), 3 * counted);
  assert(g.allow("x", 3 * counted - 10));
  assert(!g.allow("x", 11), "one byte too many");
  assert(g.allow("x", 10));
  assertEquals(g.room("x"), 0);
  assertEquals(g.stats.capped, 2);
  g.received("x", find);
  assertEquals(g.room("x"), 3 * counted, "each datagram received adds 3x its bytes");
});

Deno.test("a correct cookie validates; a wrong one or 0 does not", () => {
  const g = new AddrGuard(new Rng(1));
  assert(!g.check("x", 0));
  assert(!g.check("x", g.cookie("y")));
  assert(!g.check("x", g.cookie("x") + 1));
  assert(!g.isValid("x"));
  assert(g.check("x", g.cookie("x")), "newly validated");
  assert(!g.check("x", g.cookie("x")), "already validated: not new");
  assert(g.isValid("x") && g.allow("x", 1e9) && g.room("x") === Infinity);
  assertEquals(g.stats.validated, 1);
});

Deno.test("tables stay bounded; a forgotten count restarts at zero on both sides", () => {
  const g = new AddrGuard(new Rng(1), { maxPending: 100, maxValidated: 50 });
  g.received("victim", find);
  assert(g.allow("victim", 3 * (wireSize(find) - 4)));
  for (let i = 0; i < 10_000; i++) g.received(`spoof${i}`, find);
  for (let i = 0; i < 10_000; i++) g.validate(`real${i}`);
  assertEquals(g.sizes, { pending: 100, validated: 50 });
  assert(g.isValid("real9999") && !g.isValid("real0"), "the oldest validated are forgotten");
  // The victim's count was forgotten with what it had been sent: it starts again from 0.
  assertEquals(g.room("victim"), 0);
  assert(!g.allow("victim", 1));
});

Deno.test("the most recently heard of is forgotten last", () => {
  const g = new AddrGuard(new Rng(1), { maxPending: 3 });
  for (const a of ["a", "b", "c"]) g.received(a, find);
  g.received("a", find); // a is fresh again
  g.received("d", find); // b, the quietest, goes
  assertEquals(["a", "b", "c", "d"].map((x) => g.room(x) > 0), [true, false, true, true]);
});

Deno.test("the epoch changes exactly when a validated address is forgotten", () => {
  const g = new AddrGuard(new Rng(2), { maxValidated: 3 });
  const ping: Msg = { t: "ping", nonce: 1, pad: 0 };
  assertEquals(g.received("a", ping), false, "not validated: counted");
  const e0 = g.epoch;
  for (const a of ["a", "b", "c"]) g.validate(a);
  g.validate("a"); // proven again: moves to the back, nothing forgotten
  assertEquals(g.epoch, e0);
  assertEquals(g.received("a", ping), true, "validated: nothing counted");
  g.validate("d"); // one too many: the oldest, "b", is forgotten
  assertEquals(g.epoch, e0 + 1);
  assertEquals([g.isValid("b"), g.isValid("a"), g.isValid("d")], [false, true, true]);
});
