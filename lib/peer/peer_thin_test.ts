/**
 * Thin clubs (peer_tick.ts, downloadFromSource): a club with fewer than two live members known
 * is downloaded from the source, which takes such downloads only while it pushes the club to
 * fewer than `sourcePerClub` members, and lets them go once it has its members.
 */
import { Rng } from "../rand.ts";
import { assert, assertEquals } from "../testing.ts";
import type { PeerConfig } from "./config.ts";
import { PeerCore } from "./peer.ts";
import {
  connectFrom,
  deliver,
  drain,
  dropFrom,
  Feed,
  makePeer,
  type Out,
  Upstream,
} from "./test_harness.ts";

const downloads = (out: Out[], club: number) =>
  out.filter((o) => o.msg.t === "connect" && o.msg.club === club && o.msg.dir === "down")
    .map((o) => o.to);

Deno.test("thin club: with one member known, the club is downloaded from the source", () => {
  const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true } });
  p.addPeers([{ addr: "x", clubs: [2, 0] }]);
  p.handleTimeout(0);
  assertEquals(downloads(drain(p, 0), 2), ["src"]);
});

Deno.test("thin club: with two members known, the source is not asked", () => {
  const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true } });
  p.addPeers([{ addr: "x", clubs: [2, 0] }, { addr: "y", clubs: [2, 1] }]);
  for (let t = 0; t <= 500; t += 50) {
    p.handleTimeout(t);
    assert(!downloads(drain(p, t), 2).includes("src"), `asked the source at ${t}`);
  }
});

Deno.test("thin club: members that do not answer pings do not count, and the source is asked", () => {
  const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true } });
  p.addPeers([{ addr: "x", clubs: [2, 0] }, { addr: "y", clubs: [2, 1] }]); // both dead
  const timeout = p.cfg.connectTimeoutMs;
  let askedAt: number | undefined;
  for (let t = 0; t <= timeout + 500 && askedAt === undefined; t += 50) {
    p.handleTimeout(t);
    if (downloads(drain(p, t), 2).includes("src")) askedAt = t;
  }
  assert(askedAt !== undefined && askedAt > timeout, `asked the source at ${askedAt}`);
});

Deno.test("thin club: refused by the source, the peer turns to the members it knows", () => {
  const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true } });
  p.addPeers([{ addr: "x", clubs: [2, 0] }]);
  p.handleTimeout(0);
  drain(p, 0);
  dropFrom(p, 10, "src", 2, "up");
  p.handleTimeout(50);
  const out = drain(p, 50);
  assert(!downloads(out, 2).includes("src"), "not the source again at once");
  assert(
    out.some((o) => (o.msg.t === "ping" || o.msg.t === "find") && o.to === "x"),
    "works with the member it knows instead",
  );
});

Deno.test("thin club: a request the source never answered (lost) is sent again at once", () => {
  const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true } });
  p.addPeers([{ addr: "x", clubs: [2, 0] }]);
  p.handleTimeout(0);
  assertEquals(downloads(drain(p, 0), 2), ["src"]);
  const timeout = p.cfg.connectTimeoutMs;
  let again: number | undefined;
  for (let t = 50; t <= timeout + 200 && again === undefined; t += 50) {
    p.handleTimeout(t);
    if (downloads(drain(p, t), 2).includes("src")) again = t;
  }
  assert(again !== undefined && again <= timeout + 100, `asked again at ${again}`);
});

Deno.test("thin club: the source serves non-members as far as maxUploads allows", () => {
  const src = new PeerCore(0, {
    self: "src",
    role: "source",
    clubs: 3,
    myClubs: [],
    suite: null,
    rng: new Rng(3),
    config: { maxUploads: 8 },
  });
  const accepted = (out: Out[]) => out.filter((o) => o.msg.t === "accept").map((o) => o.to);
  for (let i = 0; i < 6; i++) connectFrom(src, 0, `n${i}`, i % 3, "down", [(i + 1) % 3]);
  assertEquals(accepted(drain(src, 0)), ["n0", "n1", "n2", "n3", "n4", "n5"]);
  // Members: two per club, and the upload bound over all.
  connectFrom(src, 10, "m1", 2, "down", [2, 0]);
  connectFrom(src, 10, "m2", 2, "down", [2, 1]);
  connectFrom(src, 10, "m3", 0, "down", [0, 1]);
  assertEquals(accepted(drain(src, 10)), ["m1", "m2"]);
  connectFrom(src, 20, "n6", 1, "down", [0]);
  assertEquals(accepted(drain(src, 20)), [], "no room left");
});

Deno.test("thin club: a peer moves to members once it knows two, make before break", () => {
  // (The source sends nothing here: a long idle limit keeps its download open.)
  const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true, idleOutMs: 60_000 } });
  p.addPeers([{ addr: "x", clubs: [2, 0] }]);
  p.handleTimeout(0);
  assertEquals(downloads(drain(p, 0), 2), ["src"]);
  p.handleMessage(10, "src", { t: "accept", club: 2, dir: "down", cookie: 0 });
  p.handleTimeout(50);
  assert(!drain(p, 50).some((o) => o.to === "src" && o.msg.t === "drop"), "kept: still thin");
  p.addPeers([{ addr: "y", clubs: [2, 1] }]);
  let asked: string | undefined;
  for (let t = 100; t <= 3000 && !asked; t += 50) {
    p.handleTimeout(t);
    for (const o of drain(p, t)) {
      assert(!(o.to === "src" && o.msg.t === "drop"), "the source is kept until a member serves");
      if (o.msg.t === "ping") {
        p.handleMessage(t + 1, o.to, {
          t: "pong",
          nonce: o.msg.nonce,
          you: "me",
          clubs: o.to === "x" ? [2, 0] : [2, 1],
          up: 2,
          upIn: 2,
          down: 3,
          downIn: 2,
          full: false,
          cookie: 0,
        });
      }
      if (o.msg.t === "connect" && o.msg.club === 2 && o.to !== "src") asked = o.to;
    }
    if (asked) {
      p.handleMessage(t + 1, asked, { t: "accept", club: 2, dir: "down", cookie: 0 });
      p.handleTimeout(t + 50);
    }
  }
  assert(asked === "x" || asked === "y", "a member is asked for club 2");
  const out = drain(p, 3200);
  assert(out.some((o) => o.to === "src" && o.msg.t === "drop" && o.msg.club === 2), "left");
  assert(!p.bans.has("src"), "without a ban");
});

Deno.test("thin-club mode: after an in-club upstream and its club's uploader failed, a block is asked of the source", () => {
  for (const thinFromSource of [true, false]) {
    const p = makePeer({ myClubs: [0, 1], config: { thinFromSource } });
    connectFrom(p, 0, "src", 0, "up", []);
    connectFrom(p, 0, "x", 2, "up", [2, 0]);
    connectFrom(p, 0, "y", 1, "up", [1, 0]);
    drain(p, 0);
    const { data, auth } = new Feed().batch(12, 0);
    deliver(p, 10, [...data.filter((b) => b.seq % 3 === 0), auth], [new Upstream("src", 0)]);
    deliver(p, 10, data.filter((b) => b.seq % 3 === 1), [new Upstream("y", 1)]);
    const x = new Upstream("x", 2);
    for (const s of [2, 5, 11]) x.send(p, 10, data[s]); // 8 never comes: x does not have it
    const askedOf: string[] = [];
    for (let t = 50; t < 3000 && askedOf.length < 3; t += 50) {
      p.handleTimeout(t);
      for (const o of drain(p, t)) {
        if (o.msg.t === "want" && o.msg.seqs.includes(8)) askedOf.push(o.to);
      }
    }
    // No gap on x's counter: x has not sent it yet, so an in-club upstream is asked first.
    assertEquals(askedOf.slice(0, 2), ["y", "x"], "an in-club upstream, then its club's uploader");
    if (thinFromSource) assertEquals(askedOf[2], "src", "then the source");
    else assert(askedOf[2] !== undefined, "then any connection");
  }
});

Deno.test("thin club of its own: a peer asks the source for an in-club download at once", () => {
  for (const known of [[], ["x"], ["x", "y"]]) {
    const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true } });
    p.addPeers(known.map((addr) => ({ addr, clubs: [0, 2] })));
    p.handleTimeout(0);
    const out = drain(p, 0);
    const fromSource = downloads(out, 0).includes("src");
    // Fewer than two live members known: the source; two: the members, as before.
    assertEquals(fromSource, known.length < 2, `${known.length} members known`);
    if (fromSource) {
      const c = out.find((o) => o.to === "src" && o.msg.t === "connect" && o.msg.club === 0);
      assert(c?.msg.t === "connect" && c.msg.clubs.includes(0), "asked as a member");
    }
  }
});

Deno.test("thin club: a lost request is asked again after a multiple of the accepts' time", () => {
  // Four clubs, none with members: all four are asked of the source at once. Three accepts
  // come back 10 ms later; the fourth was lost (its connect or its accept).
  const askAgain = (config: Partial<PeerConfig>) => {
    const p = makePeer({ clubs: 4, myClubs: [0, 1], config: { thinFromSource: true, ...config } });
    p.handleTimeout(0);
    const asked = drain(p, 0).filter((o) => o.msg.t === "connect" && o.to === "src");
    assertEquals(asked.length, 4);
    for (const club of [0, 1, 2]) {
      p.handleMessage(10, "src", { t: "accept", club, dir: "down", cookie: 0 });
    }
    for (let t = 50; t <= 2000; t += 50) {
      p.handleTimeout(t);
      if (downloads(drain(p, t), 3).includes("src")) return t;
    }
  };
  const fixed = { connectTimeoutMs: 500, connectRttFactor: 0 };
  assert(askAgain(fixed)! > 500, "the fixed wait");
  // 4 x 10 ms is below the floor: asked again at the first round after 150 ms.
  assertEquals(askAgain({ ...fixed, connectRttFactor: 4, connectTimeoutMinMs: 150 }), 200);
});
