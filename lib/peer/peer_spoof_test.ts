/**
 * Spoofed and unsolicited input (issue 6, docs/security.md): a UDP source address proves
 * nothing, so what a stranger's datagram can make a peer do must not depend on the address
 * it claims. Introductions are taken only in answer to a "find" this peer sent; a block from
 * an address with no connection bans nobody (a ban for it would cut an honest upstream off,
 * or flush the ban list of its real bans); a "drop" closes a connection only with the
 * connection's cookie; a live block counts only with its connection's counter, and a
 * forged repair blames only the peer that was asked for it.
 */
import { assert, assertEquals } from "../testing.ts";
import type { DataBlock } from "../wire/messages.ts";
import { connKey } from "./conns.ts";
import {
  answerPings,
  connectFrom,
  deliver,
  drain,
  Feed,
  makePeer,
  missingEight,
  tampered,
  Upstream,
  wants,
} from "./test_harness.ts";

Deno.test('spoof: only the answer to a "find" is learned, from the peer asked, about its club, once', () => {
  const p = makePeer({ myClubs: [0, 1] });
  p.addPeers([{ addr: "x", clubs: [0] }]);
  p.handleTimeout(0);
  const find = drain(p, 0).find((o) => o.msg.t === "find" && o.msg.club === 2);
  assert(find?.msg.t === "find" && find.to === "x", "asks x who it knows in club 2");
  const nonce = find.msg.nonce;
  const knows = (a: string) => p.directory.get(a) !== undefined;
  const answer = (from: string, club: number, n: number, peers: string[]) =>
    p.handleMessage(10, from, { t: "peers", club, nonce: n, peers });
  answer("evil", 2, nonce, ["a1"]); // the right nonce from another address
  answer("x", 1, nonce, ["a2"]); // the asked peer, about another club
  answer("x", 2, nonce + 1, ["a3"]); // a nonce never sent
  answer("evil", 0, 7, ["a4"]); // nothing asked at all
  assertEquals(["a1", "a2", "a3", "a4"].filter(knows), [], "no unsolicited introduction learned");
  assertEquals(p.stats.unsolicited, 4);
  answer("x", 2, nonce, ["y", "z"]);
  assert(knows("y") && knows("z"), "the answer is learned");
  assertEquals([...p.directory.get("y")!.clubs], [2], "as members of the club asked about");
  answer("x", 2, nonce, ["w"]);
  assert(!knows("w"), "a find is answered once: a replay teaches nothing");
});

Deno.test("spoof: a block on the wrong club from an address with no connection bans nobody", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 0, "up", []);
  const up = new Upstream("u", 0);
  connectFrom(p, 0, "u", 0, "up", [0]);
  // A forger's ban, made by a forgery over a connection (u's block for club 1 on club 0).
  const wrong = (seq: number): DataBlock => ({
    kind: "data",
    seq,
    srcTime: 0,
    payload: new Uint8Array([1]),
  });
  up.send(p, 10, wrong(1));
  assert(p.bans.has("u"), "a block on the wrong club over a connection bans its sender");
  assertEquals(p.stats.wrongClub, 1);
  // Strangers with blocks on the wrong club, live and as repairs: more than the list holds.
  for (let i = 0; i < p.cfg.banMax + 100; i++) {
    const from = `198.18.${i >> 8}.${i & 255}:1`;
    const repair = i % 2 === 0;
    p.handleMessage(20, from, { t: "block", club: 2, hop: 0, n: i, repair, block: wrong(3 * i) });
  }
  assertEquals(p.bans.size, 1, "no stranger was banned");
  assert(p.bans.has("u"), "and the forger's ban is still there");
  assertEquals(p.stats.wrongClub, 1, "strangers' blocks are unsolicited, not judged");
});

Deno.test('spoof: a "drop" closes a connection only with its cookie, either end, either way', () => {
  const p = makePeer({ myClubs: [0, 1] });
  // p asks x for club 2; x accepts with its cookie for p, the connection's cookie.
  p.addPeers([{ addr: "x", clubs: [2] }]);
  let asked = false;
  for (let t = 0; t < 1000 && !asked; t += 50) {
    p.handleTimeout(t);
    const out = drain(p, t);
    asked = out.some((o) => o.to === "x" && o.msg.t === "connect" && o.msg.club === 2);
    answerPings(p, t, out, () => ({ clubs: [2], cookie: 1234 }));
  }
  assert(asked, "p asked x for club 2");
  p.handleMessage(1000, "x", { t: "accept", club: 2, dir: "down", cookie: 1234 });
  // a offers p an upload of club 0, b asks p for one: p is the responder of both.
  connectFrom(p, 1000, "a", 0, "up", [0]);
  connectFrom(p, 1000, "b", 0, "down", [0]);
  const conns = [
    { from: "x", club: 2, dir: "up", map: p.downs, cookie: 1234 },
    { from: "a", club: 0, dir: "up", map: p.downs, cookie: p.guard.cookie("a") },
    { from: "b", club: 0, dir: "down", map: p.ups, cookie: p.guard.cookie("b") },
  ] as const;
  for (const c of conns) {
    assert(c.map.get(connKey(c.from, c.club))?.accepted, `${c.from}'s connection is open`);
    for (const cookie of [0, 1, c.cookie + 1, p.guard.cookie("other")]) {
      p.handleMessage(1010, c.from, { t: "drop", club: c.club, dir: c.dir, cookie });
    }
    assert(c.map.has(connKey(c.from, c.club)), `spoofed drops leave ${c.from}'s connection`);
    p.handleMessage(1020, c.from, { t: "drop", club: c.club, dir: c.dir, cookie: c.cookie });
    assert(!c.map.has(connKey(c.from, c.club)), `${c.from}'s own drop closes it`);
  }
  assertEquals(p.stats.spoofedDrops, 12);
});

Deno.test('spoof: the "drop"s and refusals a peer sends carry the connection\'s cookie', () => {
  const p = makePeer({ myClubs: [0, 1], config: { maxUploads: 1 } });
  connectFrom(p, 0, "b", 0, "down", [0]);
  const accept = drain(p, 0).find((o) => o.msg.t === "accept")!.msg;
  assert(accept.t === "accept" && accept.cookie === p.guard.cookie("b"));
  connectFrom(p, 0, "c", 0, "down", [0]); // past maxUploads: refused
  const refusal = drain(p, 0).find((o) => o.to === "c")!.msg;
  assertEquals(refusal, { t: "drop", club: 0, dir: "up", cookie: p.guard.cookie("c") });
  // b goes silent: p drops its upload, with the cookie b had in the accept.
  for (let t = 0; t <= p.cfg.keepaliveTimeoutMs + 100; t += 50) p.handleTimeout(t);
  const drop = drain(p, p.cfg.keepaliveTimeoutMs + 100).find((o) => o.to === "b")?.msg;
  assertEquals(drop, { t: "drop", club: 0, dir: "up", cookie: accept.cookie });
});

Deno.test("spoof: a forged live block without its connection's counter bans nobody and costs no loss", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "u", 2, "up", [2, 0]);
  drain(p, 0);
  const src = new Upstream("src", 0), u = new Upstream("u", 2);
  const { data, auth } = new Feed().batch(12, 0);
  u.send(p, 10, data[2]);
  u.send(p, 10, data[5]);
  // A spoofer "from" u, on u's club, guessing counters: the next ones as they were before
  // counters were offset by the connection's secret, and far ones.
  for (const n of [3, 4, 5, 1000, 2 ** 31, 2 ** 32 - 1]) {
    const block = tampered(data[8]);
    p.handleMessage(20, "u", { t: "block", club: 2, hop: 0, n, repair: false, block });
  }
  assertEquals(p.stats.spoofedBlocks, 6);
  const down = p.downs.get(connKey("u", 2))!;
  assertEquals(down.monitor.lost, 0, "no loss counted for the spoofer's numbers");
  assertEquals(down.monitor.newest, 2);
  deliver(p, 30, [...data.filter((b) => b.seq % 3 === 0), auth], [src]);
  assert(!p.bans.has("u") && down.open, "u is neither banned nor dropped");
  assertEquals(p.stats.wrongClub, 0);
  assertEquals(p.stats.forged, 0);
  u.send(p, 40, data[8]);
  assert(p.store.get(8) !== undefined, "u's own next block is taken");
  // u itself, with its counter, is still blamed for a forgery.
  u.send(p, 50, tampered(data[11]));
  assert(p.bans.has("u"), "a forgery with the connection's counter bans its sender");
});

Deno.test("spoof: a forged repair blames only the peer asked for it", () => {
  const { p, data } = missingEight(false);
  connectFrom(p, 10, "y", 0, "down", [0, 2]);
  drain(p, 10);
  const repair = (from: string, t: number, seq: number) =>
    p.handleMessage(t, from, {
      t: "block",
      club: 2,
      hop: 0,
      n: 0,
      repair: true,
      block: tampered(data[seq]),
    });
  // Unasked, y (a downstream) and x (the club's upstream) both "send" a forged 5.
  repair("y", 20, 5);
  repair("x", 20, 5);
  // And a forged copy of 8, which p lacks: found forged at once (its leaf is known), it is
  // no arrival of 8, which is still asked for below.
  repair("y", 20, 8);
  assertEquals([p.bans.has("x"), p.bans.has("y")], [false, false], "nobody asked: no ban");
  assertEquals(p.stats.forgedUnblamed, 3);
  // (Club 1 was never fed: its holes are asked for too, of others.)
  const eight = (w: string) => w.split(">")[0].split(",").includes("8");
  let t = 50, asked: string[] = [];
  for (; asked.length === 0 && t < 2000; t += 50) {
    p.handleTimeout(t);
    asked = wants(drain(p, t)).filter(eight);
  }
  assertEquals(asked, ["8>x"]);
  repair("x", t, 8);
  assert(p.bans.has("x"), "a forged answer from the peer asked bans it");
  assertEquals(p.stats.forgedUnblamed, 3);
});
