/**
 * Membership and connection rules of the peer core: clubs and connection targets [0026]-[0028],
 * the ban list [0039], [0054]-[0055], replacement rules [0056]-[0058] and the
 * non-initiator's surplus drop [0059].
 */
import { decodeBitfield } from "../bitfield/bitfield.ts";
import { Rng } from "../rand.ts";
import { assert, assertEquals } from "../testing.ts";
import type { Addr, Dir, PongMsg } from "../wire/messages.ts";
import type { PeerCore } from "./peer.ts";
import {
  answerPings,
  connectFrom,
  deliver,
  drain,
  dropFrom,
  Feed,
  makePeer,
  makeSwarm,
  type Out,
  stream,
  Upstream,
} from "./test_harness.ts";

function accepted(p: PeerCore, dir: "up" | "down", club: number, inClub: boolean): number {
  let n = 0;
  for (const c of (dir === "up" ? p.ups : p.downs).values()) {
    if (c.club === club && c.accepted && c.inClub === inClub) n++;
  }
  return n;
}

function connects(out: readonly Out[], club: number, dir: "up" | "down"): Out[] {
  return out.filter(({ msg }) => msg.t === "connect" && msg.club === club && msg.dir === dir);
}

type Load = (a: Addr) => Partial<PongMsg> & { clubs: number[] };

/** Ticks `p` at `now` and answers its pings with pongs `load` describes. */
function tickAndPong(p: PeerCore, now: number, load: Load): Out[] {
  p.handleTimeout(now);
  const out = drain(p, now);
  answerPings(p, now, out, load);
  return out;
}

/** Ticks every 50 ms from `t` until `p` asks for a `club` connection in `dir` (or `end`). */
function nextConnect(p: PeerCore, t: number, end: number, club: number, dir: Dir, load: Load) {
  for (; t < end; t += 50) {
    const out = connects(tickAndPong(p, t, load), club, dir);
    if (out.length > 0) return { t, out };
  }
  return { t, out: [] };
}

Deno.test("[0026]-[0028] each peer is in two clubs, keeps 2-3 in-club links each way per club and one download into every other club", () => {
  const { net, source, peers } = makeSwarm({ peers: 12, clubs: 4, seed: 5 });
  for (const p of peers) assertEquals(p.myClubs.size, 2);
  // Sampled every 250 ms from 3 s to 10 s: a link being replaced leaves a club one short
  // for a moment (idle or dropped upstreams, surplus trimmed), so the lower bound holds at
  // most samples, the upper bounds at every one.
  let inClub = 0, short = 0, outside = 0, notOne = 0;
  for (let t = 3000; t <= 10_000; t += 250) {
    stream(net, source, t);
    for (const p of peers) {
      for (let club = 0; club < 4; club++) {
        if (!p.myClubs.has(club)) {
          const n = accepted(p, "down", club, false);
          assert(n <= 1, `${p.self} at ${t}: ${n} downloads of ${club}`);
          outside++;
          if (n !== 1) notOne++;
          continue;
        }
        for (const dir of ["down", "up"] as const) {
          const n = accepted(p, dir, club, true);
          assert(n <= 3, `${p.self} at ${t}: ${n} in-club ${dir}loads of club ${club}`);
          inClub++;
          if (n < 2) short++;
        }
      }
    }
  }
  assert(short <= 0.15 * inClub, `in-club links short of 2 in ${short} of ${inClub} samples`);
  assert(notOne <= 0.02 * outside, `no download of another club in ${notOne} of ${outside}`);
});

Deno.test("[0028] one download per other club: a second upload offer for that club is refused", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "x", 2, "up", [2, 0]);
  connectFrom(p, 0, "y", 2, "up", [2, 1]);
  const out = drain(p, 0).map((o) => `${o.msg.t}>${o.to}`);
  assertEquals(out, ["accept>x", "drop>y"]);
  assertEquals(accepted(p, "down", 2, false), 1);
});

Deno.test("[0039] [0054] a peer that dropped a download for congestion bans the uploader and connects elsewhere", () => {
  const p = makePeer({ clubs: 4, myClubs: [0, 1] });
  p.addPeers([{ addr: "x", clubs: [2] }]);
  // x reports many uploads: without the ban it would be the likely pick again.
  const load: Load = (a) => ({ clubs: [2, 3], up: a === "x" ? 40 : 1 });
  const first = nextConnect(p, 0, 500, 2, "down", load);
  assertEquals(first.out.map((o) => o.to), ["x"]);
  for (const club of [2, 3]) {
    p.handleMessage(first.t + 10, "x", { t: "accept", club, dir: "down", cookie: 0 });
  }
  // x's blocks arrive 1 s later than the first ones: excess delay past the 800 ms threshold.
  const x = new Upstream("x", 2);
  const block = new Feed().batch(1, 0).data[0];
  for (let i = 0; i < 16; i++) {
    const srcTime = 300 + 20 * i;
    x.send(p, srcTime + 50 + (i < 8 ? 0 : 1000), { ...block, seq: 2 + 4 * i, srcTime });
  }
  assertEquals(p.stats.dropped.delay, 1);
  assert(p.bans.has("x"), "x banned after the congestion drop");
  assert(!p.downs.has(`2|x`));
  p.addPeers([{ addr: "y", clubs: [2] }]);
  const next = nextConnect(p, 1700, 2500, 2, "down", load);
  assertEquals(next.out.map((o) => o.to), ["y"]);
  // While banned, x's own requests are refused.
  connectFrom(p, next.t + 1, "x", 0, "down", [0, 2]);
  const reply = drain(p, next.t + 1).filter((o) => o.to === "x");
  assertEquals(reply.map((o) => o.msg.t), ["drop"]);
});

Deno.test("[0055] a banned peer is released at random on the periodic roll, never before it", () => {
  const released: number[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    const p = makePeer({ myClubs: [0, 1], rng: new Rng(seed) });
    connectFrom(p, 0, "x", 2, "up", [2, 0]);
    p.handleTimeout(1600); // x sent nothing: idle out-of-club download, dropped and banned
    assert(p.bans.has("x"));
    p.handleTimeout(1600 + 4900);
    assert(p.bans.has("x"), "released before the first roll");
    let t = 1600 + 5000;
    while (p.bans.has("x") && t < 1_000_000) p.handleTimeout(t += 5000);
    released.push(t);
    connectFrom(p, t + 1, "x", 2, "up", [2, 0]);
    assert(drain(p, t + 1).some((o) => o.to === "x" && o.msg.t === "accept"));
  }
  assert(new Set(released).size > 1, `release times ${released} should vary`);
});

Deno.test("[0056] a dropped out-of-club download is replaced, and the new connect carries a bitfield of held blocks", () => {
  const p = makePeer({ myClubs: [0, 1] });
  const src = new Upstream("src", 0), x = new Upstream("x", 2);
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "x", 2, "up", [2, 0]);
  const { data, auth } = new Feed().batch(12, 0); // data 0..11, auth 12 (club 0)
  deliver(p, 10, [...data.filter((b) => b.seq !== 8), auth], [src, x]);
  p.addPeers([{ addr: "y", clubs: [2] }]);
  dropFrom(p, 30, "x", 2, "up");
  const { out } = nextConnect(p, 50, 500, 2, "down", () => ({ clubs: [2] }));
  assertEquals(out.map((o) => o.to), ["y"]);
  const m = out[0].msg;
  assert(m.t === "connect" && m.have !== null, "the replacement request carries a bitfield");
  const held = decodeBitfield(m.have, 3);
  assert(!("error" in held));
  assertEquals([2, 5, 8, 11].filter((s) => held.has(s)), [2, 5, 11]);
});

Deno.test("[0057] [0058] an in-club drop is replaced only when fewer than two remain, each direction", () => {
  for (const dir of ["up", "down"] as const) {
    const p = makePeer({ myClubs: [0, 1] });
    p.addPeers(["a", "b", "c", "d"].map((addr) => ({ addr, clubs: [0] })));
    // a, b and c open connections to p in direction `dir` (seen from p).
    const theirs = dir === "down" ? "up" : "down";
    for (const a of ["a", "b", "c"]) connectFrom(p, 0, a, 0, theirs, [0, 2]);
    const load: Load = () => ({ clubs: [0, 2] });
    dropFrom(p, 10, "a", 0, theirs);
    const none = nextConnect(p, 50, 1000, 0, dir, load);
    assertEquals(none.out, [], `two ${dir} connections left: no replacement`);
    dropFrom(p, 1000, "b", 0, theirs);
    // Pongs of the first window are stale by now (pingFreshMs) and re-pinged after retryMs.
    const one = nextConnect(p, 1050, 3500, 0, dir, load);
    assertEquals(one.out.length, 1, `one ${dir} connection left: a replacement`);
    assert(one.out[0].to !== "c", "not the one still connected");
  }
});

Deno.test("[0058] out-of-club uploads do not count toward the in-club target and are never replaced", () => {
  const p = makePeer({ myClubs: [0, 1] });
  p.addPeers([{ addr: "a", clubs: [0] }, { addr: "b", clubs: [0] }, { addr: "z", clubs: [2] }]);
  const load: Load = (a) => ({ clubs: a === "z" ? [2, 1] : [0, 2] });
  connectFrom(p, 0, "a", 0, "down", [0, 2]);
  connectFrom(p, 0, "z", 0, "down", [2, 1]); // z downloads club 0 from p, out of club
  const offer = nextConnect(p, 0, 500, 0, "up", load);
  assertEquals(offer.out.map((o) => o.to), ["b"], "one in-club upload is below the target");
  p.handleMessage(offer.t + 10, "b", { t: "accept", club: 0, dir: "up", cookie: 0 });
  dropFrom(p, offer.t + 20, "z", 0, "down");
  for (let t = offer.t + 50; t < 3000; t += 50) {
    const out = tickAndPong(p, t, load);
    assertEquals(connects(out, 0, "up"), [], `no upload offer at ${t}`);
    assert(!out.some((o) => o.to === "z" && o.msg.t === "connect"));
  }
});

Deno.test("[0059] the non-initiator accepts, and an in-club newcomer past three makes it drop one of its others at random", () => {
  const victims = new Set<Addr>();
  for (let seed = 1; seed <= 12; seed++) {
    const p = makePeer({ myClubs: [0, 1], rng: new Rng(seed) });
    for (const a of ["src", "a", "b"]) connectFrom(p, 0, a, 0, "up", a === "src" ? [] : [0, 2]);
    drain(p, 0);
    connectFrom(p, 10, "d", 0, "up", [0, 2]); // a fourth in-club upstream
    const out = drain(p, 10);
    assert(out.some((o) => o.to === "d" && o.msg.t === "accept"));
    const drops = out.filter((o) => o.msg.t === "drop");
    assertEquals(drops.length, 1);
    assert(drops[0].to === "a" || drops[0].to === "b", `never the source: ${drops[0].to}`);
    assert(!p.bans.has(drops[0].to), "a surplus drop is not a ban");
    victims.add(drops[0].to);
    assertEquals(accepted(p, "down", 0, true), 3);
  }
  assertEquals(victims.size, 2);
});

Deno.test("[0059] an out-of-club newcomer is accepted without dropping anyone; uploads trim like downloads", () => {
  const p = makePeer({ myClubs: [0, 1] });
  for (const a of ["a", "b", "c"]) connectFrom(p, 0, a, 0, "down", [0, 2]);
  drain(p, 0);
  connectFrom(p, 10, "z", 0, "down", [2, 1]);
  assertEquals(drain(p, 10).map((o) => `${o.msg.t}>${o.to}`), ["accept>z"]);
  connectFrom(p, 20, "d", 0, "down", [0, 2]);
  const out = drain(p, 20).map((o) => o.msg.t);
  assertEquals(out.filter((t) => t === "drop").length, 1);
  assertEquals(accepted(p, "up", 0, true), 3);
  assertEquals(accepted(p, "up", 0, false), 1);
});
