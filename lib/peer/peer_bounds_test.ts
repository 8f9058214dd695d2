/**
 * Resource exhaustion (issue 6): every table a peer keeps has a bound that remote input
 * cannot push it past. A relaying peer is flooded with valid messages of every type from
 * tens of thousands of addresses, strangers and peers that proved their address alike, while
 * its upload is stalled for stretches (as a paced upload is), and each table is checked
 * against its bound.
 */
import fc from "fast-check";
import { Rng } from "../rand.ts";
import { assert } from "../testing.ts";
import { arbMsg } from "../wire/arbitraries.ts";
import type { Msg } from "../wire/messages.ts";
import { pingPad } from "../wire/size.ts";
import { DEFAULT_GUARD } from "./addr_guard.ts";
import type { PeerCore } from "./peer.ts";
import { FINDS_MAX } from "./peer_tick.ts";
import { connectFrom, deliver, drain, Feed, makePeer, Upstream } from "./test_harness.ts";

const CLUBS = 6;

/** Every bounded table of `p`, each with its size and its bound. */
function tables(p: PeerCore): Record<string, [number, number]> {
  const c = p.cfg;
  let haves = 0;
  for (const u of p.ups.values()) haves = Math.max(haves, u.haves.size);
  const own = 2 * (c.inClubMax + 1); // its own requests and offers, at most a few per club
  return {
    "uploads accepted": [[...p.ups.values()].filter((u) => u.accepted).length, c.maxUploads],
    "uploads in all": [p.ups.size, c.maxUploads + c.maxUnproven + own],
    "uploads awaiting an echo": [p.awaitingEcho.size, c.maxUnproven],
    "downloads": [p.downs.size, CLUBS - 2 + 2 * c.inClubMax + own],
    "pings": [p.pings.size, 4097],
    "finds": [p.finds.size, FINDS_MAX],
    "directory": [p.directory.size, c.directoryMax],
    "bans": [p.bans.size, c.banMax],
    "validated addresses": [p.guard.sizes.validated, DEFAULT_GUARD.maxValidated],
    "counted addresses": [p.guard.sizes.pending, DEFAULT_GUARD.maxPending],
    "control queue": [p.queue.sizes().control, 4096],
    "haves of one upload": [haves, 2 * c.storeSeqs + 1],
    "asked-of map": [p.askedOf.size, 1024 + 512],
    "catch-up feeds": [p.catchUps.size, p.ups.size],
    "store": [p.store.size, c.storeSeqs],
    "blocks awaiting a signature": [p.auth!.pendingCount, c.storeSeqs * 2],
    "playback buffer": [p.playback!.memory().buffered, c.storeSeqs],
  };
}

Deno.test("a flood from 40,000 addresses leaves every table within its bound", () => {
  const p = makePeer({ myClubs: [0, 1], clubs: CLUBS, config: { catchUpPace: 4 } });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "src", 1, "up", []);
  for (const d of ["d1", "d2"]) connectFrom(p, 0, d, 0, "down", [0, 3]);
  const src = [new Upstream("src", 0), new Upstream("src", 1)];
  const feed = new Feed();
  const rng = new Rng(9);
  const junk = fc.sample(arbMsg, { numRuns: 2000, seed: 9 });
  // Peers that proved their address (real hosts of the attacker's): 300 of them.
  const proven = Array.from({ length: 300 }, (_, i) => `10.1.${i >> 8}.${i & 255}:5000`);
  for (const a of proven) p.guard.validate(a);
  let worst: Record<string, number> = {};
  let t = 0;
  for (let round = 0; round < 200; round++, t += 100) {
    const { data, auth } = feed.batch(CLUBS * 2, t);
    deliver(p, t, [...data, auth], src);
    for (let k = 0; k < 200; k++) {
      const stranger = `198.18.${rng.int(256)}.${rng.int(256)}:${1 + rng.int(65535)}`;
      const attacker = rng.pick(proven);
      const from = rng.chance(0.3) ? attacker : stranger;
      p.handleMessage(t, from, flood(rng, p, junk));
    }
    // Peers it asked answer its finds with made-up addresses (unsolicited answers teach it
    // nothing), and the tracker names more of them.
    for (const [nonce, { to, club }] of [...p.finds]) {
      p.handleMessage(t, to, { t: "peers", club, nonce, peers: made(rng, 16) });
    }
    p.addPeers(made(rng, 16).map((addr) => ({ addr, clubs: [rng.int(CLUBS)] })));
    p.handleTimeout(t);
    // Every third round the upload stalls (a paced link): what is queued stays queued.
    if (round % 3 !== 0) drain(p, t);
    while (p.pollEvent());
    const now = tables(p);
    worst = Object.fromEntries(
      Object.entries(now).map(([k, [n]]) => [k, Math.max(n, worst[k] ?? 0)]),
    );
    for (const [name, [n, bound]] of Object.entries(now)) {
      assert(n <= bound, `${name}: ${n} > ${bound} after round ${round}`);
    }
  }
  console.log(`  largest sizes seen: ${JSON.stringify(worst)}`);
  assert(worst["directory"] === p.cfg.directoryMax, "the flood reached the directory's bound");
  assert(worst["counted addresses"] === DEFAULT_GUARD.maxPending, "and the guard's");
  assert(worst["uploads awaiting an echo"] === p.cfg.maxUnproven, "and the unproven uploads'");
});

/** One flooding message: anything valid, or a request aimed at the peer's tables. */
function flood(rng: Rng, p: PeerCore, junk: readonly Msg[]): Msg {
  const club = rng.int(CLUBS), top = Math.max(0, p.store.top);
  const cookie = rng.int(2 ** 53);
  switch (rng.int(8)) {
    case 0: {
      const nonce = rng.int(2 ** 53);
      return { t: "ping", nonce, pad: pingPad(nonce) };
    }
    case 1:
      return {
        t: "connect",
        club,
        dir: rng.chance(0.5) ? "up" : "down",
        clubs: [club],
        have: null,
        cookie,
      };
    case 2:
      return {
        t: "have",
        club,
        seqs: Array.from({ length: 64 }, () => top + rng.int(2 ** 40)),
        list: false,
      };
    case 3:
      return { t: "peers", club, nonce: rng.int(1000), peers: made(rng, 16) };
    case 4:
      return { t: "want", seqs: Array.from({ length: 64 }, () => Math.max(0, top - rng.int(50))) };
    case 5: {
      const mine = rng.pick([...p.myClubs]);
      return { t: "connect", club: mine, dir: "down", clubs: [mine], have: null, cookie };
    }
    default:
      return rng.pick(junk);
  }
}

/** `n` made-up addresses. */
function made(rng: Rng, n: number): string[] {
  return Array.from({ length: n }, () => `203.0.${rng.int(256)}.${rng.int(256)}:1`);
}
