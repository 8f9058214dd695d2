/**
 * Finding club members and choosing among them: "find"/"peers" [0032], [0037]; pings whose
 * pongs carry load counts [0033]; downloads drawn favouring candidates with few uploads (after
 * [0034], not [0033]/[0035]'s weighting by uploads); a saturated ("full") peer is never chosen.
 */
import { Rng } from "../rand.ts";
import { assert, assertEquals } from "../testing.ts";
import type { Addr, PongMsg } from "../wire/messages.ts";
import { pingPad } from "../wire/size.ts";
import type { PeerCore } from "./peer.ts";
import { answerPings, connectFrom, drain, dropFrom, makePeer, type Out } from "./test_harness.ts";

type Load = (a: Addr) => Partial<PongMsg> & { clubs: number[] };

/** Where `p` (new, knowing `known`) first asks for a download of `club`, pongs from `load`. */
function firstDownload(p: PeerCore, club: number, load: Load): Addr | undefined {
  for (let t = 0; t < 1000; t += 50) {
    p.handleTimeout(t);
    const out = drain(p, t);
    const c = out.find(({ msg }) => msg.t === "connect" && msg.club === club && msg.dir === "down");
    if (c) return c.to;
    answerPings(p, t, out, load);
  }
  return undefined;
}

Deno.test("[0032] a peer that knows no member of a club asks known peers with find, and pings and connects to the members they name", () => {
  const p = makePeer({ myClubs: [0, 1] });
  p.addPeers([{ addr: "x", clubs: [0] }]);
  p.handleTimeout(0);
  const finds = drain(p, 0).filter((o) => o.msg.t === "find");
  const ask = finds.find((o) => o.msg.t === "find" && o.msg.club === 2);
  assert(ask?.msg.t === "find" && ask.to === "x", "asks x who it knows in club 2");
  p.handleMessage(20, "x", { t: "peers", club: 2, nonce: ask.msg.nonce, peers: ["y", "z"] });
  let out: Out[] = [];
  for (let t = 50; t < 500; t += 50) {
    p.handleTimeout(t);
    out = drain(p, t);
    if (out.some((o) => o.msg.t === "connect" && o.msg.club === 2)) break;
    const pinged = out.filter((o) => o.msg.t === "ping").map((o) => o.to);
    if (pinged.includes("y")) assert(pinged.includes("z"), "both named members are pinged");
    answerPings(p, t, out, (a) => ({ clubs: a === "x" ? [0, 1] : [2, 0] }));
  }
  const c = out.find((o) => o.msg.t === "connect" && o.msg.club === 2);
  assert(c && (c.to === "y" || c.to === "z"), "connects to a member it was told of");
});

Deno.test("[0032] a find is answered with known members of the club, the answerer itself when a member, never the asker", () => {
  const p = makePeer({ self: "me", myClubs: [0, 1] });
  p.addPeers([{ addr: "w", clubs: [0] }, { addr: "q", clubs: [0] }, { addr: "y", clubs: [2] }]);
  p.handleMessage(0, "q", { t: "find", club: 0, nonce: 7, cookie: 0 });
  p.handleMessage(0, "q", { t: "find", club: 2, nonce: 8, cookie: 0 });
  p.handleMessage(0, "q", { t: "find", club: 99, nonce: 9, cookie: 0 });
  const out = drain(p, 0);
  assertEquals(out.length, 2, "a find for a club that does not exist is ignored");
  const [a, b] = out.map((o) => o.msg);
  assert(a.t === "peers" && b.t === "peers");
  assertEquals([a.club, a.nonce, [...a.peers].sort()], [0, 7, ["me", "w"]]);
  assertEquals([b.club, b.nonce, b.peers], [2, 8, ["y"]]);
});

Deno.test("[0033] a pong carries the responder's clubs, load counts and the address it saw", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 0, "up", []); // in-club download
  connectFrom(p, 0, "x", 2, "up", [2, 0]); // out-of-club download
  connectFrom(p, 0, "a", 0, "down", [0, 2]); // in-club upload
  connectFrom(p, 0, "z", 1, "down", [2, 0]); // out-of-club upload
  drain(p, 0);
  p.handleMessage(5, "203.0.113.9:4000", { t: "ping", nonce: 77, pad: pingPad(77) });
  const [pong] = drain(p, 5);
  assertEquals(pong, {
    to: "203.0.113.9:4000",
    msg: {
      t: "pong",
      nonce: 77,
      you: "203.0.113.9:4000",
      clubs: [0, 1],
      up: 2,
      upIn: 1,
      down: 2,
      downIn: 1,
      full: false,
      cookie: p.guard.cookie("203.0.113.9:4000"),
    },
  });
});

Deno.test("[0034] downloads are drawn favouring candidates whose pongs reported few uploads", () => {
  let busy = 0, idle = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const p = makePeer({ myClubs: [0, 1], rng: new Rng(seed) });
    p.addPeers([{ addr: "busy", clubs: [2] }, { addr: "idle", clubs: [2] }]);
    const to = firstDownload(p, 2, (a) => ({ clubs: [2, 0], up: a === "busy" ? 9 : 0 }));
    if (to === "busy") busy++;
    else if (to === "idle") idle++;
  }
  assertEquals(busy + idle, 200);
  // Weights 1/10 and 1: about 18 to 182 (the weighting by uploads [0035] gave about 180 to 20).
  assert(idle > 3 * busy, `busy ${busy}, idle ${idle}`);
  assert(busy > 0, "a random draw, not always the idlest");
});

Deno.test("[0033] a full pong, or one at the upload bound, is never chosen for a download", () => {
  for (const full of [{ full: true }, { up: 48 }]) {
    for (let seed = 1; seed <= 50; seed++) {
      const p = makePeer({ myClubs: [0, 1], rng: new Rng(seed) });
      p.addPeers([{ addr: "sat", clubs: [2] }, { addr: "ok", clubs: [2] }]);
      const load: Load = (a) =>
        a === "sat" ? { clubs: [2, 0], up: 30, ...full } : { clubs: [2, 0] };
      assertEquals(firstDownload(p, 2, load), "ok");
    }
  }
});

Deno.test("[0033] in-club upload offers favour members reporting fewer in-club downloads", () => {
  let roomy = 0, crowded = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const p = makePeer({ myClubs: [0, 1], rng: new Rng(seed) });
    p.addPeers([{ addr: "roomy", clubs: [0] }, { addr: "crowded", clubs: [0] }]);
    for (let t = 0; t < 500; t += 50) {
      p.handleTimeout(t);
      const out = drain(p, t);
      const c = out.find((o) => o.msg.t === "connect" && o.msg.club === 0 && o.msg.dir === "up");
      if (c) {
        if (c.to === "roomy") roomy++;
        else crowded++;
        break;
      }
      answerPings(p, t, out, (a) => ({ clubs: [0, 2], downIn: a === "roomy" ? 0 : 3 }));
    }
  }
  // Weights 4 and 1.
  assert(roomy > 2 * crowded && crowded > 0, `roomy ${roomy}, crowded ${crowded}`);
});

Deno.test("[0038] a pong older than the freshness window is refreshed by a new ping before choosing", () => {
  // x sends nothing here: timeouts longer than the test keep its connections (and x unbanned).
  const p = makePeer({ myClubs: [0, 1], config: { keepaliveTimeoutMs: 3500, idleInMs: 8000 } });
  p.addPeers([{ addr: "x", clubs: [2] }]);
  const load: Load = () => ({ clubs: [2, 0] });
  assertEquals(firstDownload(p, 2, load), "x");
  // x takes every connection p asked for (p also wants club 0 links from it).
  for (const [club, dir] of [[2, "down"], [0, "down"], [0, "up"]] as const) {
    p.handleMessage(100, "x", { t: "accept", club, dir, cookie: 0 });
  }
  dropFrom(p, 3200, "x", 2, "up"); // pong of t=0 is stale now
  p.handleTimeout(3250);
  const out = drain(p, 3250);
  assert(!out.some((o) => o.msg.t === "connect" && o.msg.club === 2), "no pick on a stale pong");
  assert(out.some((o) => o.msg.t === "ping" && o.to === "x"));
  answerPings(p, 3250, out, load);
  p.handleTimeout(3300);
  assert(drain(p, 3300).some((o) => o.msg.t === "connect" && o.msg.club === 2 && o.to === "x"));
});

Deno.test("a pong that answers no ping of ours is ignored", () => {
  const p = makePeer({ myClubs: [0, 1] });
  p.addPeers([{ addr: "x", clubs: [2] }]);
  p.handleTimeout(0);
  const ping = drain(p, 0).find((o) => o.msg.t === "ping")!;
  assert(ping.msg.t === "ping");
  const pong = { t: "pong", nonce: ping.msg.nonce, you: "me", clubs: [2, 0], up: 1 } as const;
  const rest = { upIn: 0, down: 0, downIn: 0, full: false, cookie: 0 };
  p.handleMessage(10, "intruder", { ...pong, ...rest }); // right nonce, wrong sender
  p.handleMessage(10, "x", { ...pong, ...rest, nonce: ping.msg.nonce + 100 }); // wrong nonce
  assertEquals(p.directory.get("x")?.pong, undefined);
  assertEquals(p.directory.get("intruder"), undefined);
  p.handleMessage(10, "x", { ...pong, ...rest });
  assertEquals(p.directory.get("x")?.pong?.up, 1);
});
