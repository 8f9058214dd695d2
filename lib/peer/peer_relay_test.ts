/**
 * Relaying in the peer core: "have" notices [0046], skipping downstreams that have a block
 * [0047], in-club priority with one out-of-club block after nine in-club ones [0048], no
 * relay of other clubs' blocks [0050], lead upstreams (hold and cancel), and the catch-up of
 * a new downstream from its Elias-gamma bitfield [0056].
 */
import { makeBitfield } from "../bitfield/bitfield.ts";
import { assert, assertEquals } from "../testing.ts";
import type { PeerCore } from "./peer.ts";
import type { PeerConfig } from "./config.ts";
import { requestDownload } from "./peer_conns.ts";
import {
  connectFrom,
  deliver,
  drain,
  Feed,
  haves,
  makePeer,
  type Out,
  Upstream,
} from "./test_harness.ts";

/** The blocks in `out`, as "seq>to". */
function blocks(out: readonly Out[]): string[] {
  return out.flatMap(({ to, msg }) => msg.t === "block" ? [`${msg.block.seq}>${to}`] : []);
}

/** The blocks and offers (offer.ts) in `out`, as "seq>to". */
function blocksOrOffers(out: readonly Out[]): string[] {
  return out.flatMap(({ to, msg }) =>
    msg.t === "block" ? [`${msg.block.seq}>${to}`] : msg.t === "offer" ? [`${msg.seqs}>${to}`] : []
  );
}

/** A peer in clubs 0 and 1 (of 3) with the source uploading club 0 to it. */
function peerWithSource(config: Partial<PeerConfig> = {}): { p: PeerCore; src: Upstream } {
  const p = makePeer({ myClubs: [0, 1], config });
  connectFrom(p, 0, "src", 0, "up", []);
  drain(p, 0);
  return { p, src: new Upstream("src", 0) };
}

/**
 * {@link peerWithSource} with an in-club downstream "d" that named another upstream its lead,
 * and `count` data blocks whose signature block came at 100 (so each verifies as it comes).
 */
function withNonLeadDownstream(count: number, config: Partial<PeerConfig> = {}) {
  const { p, src } = peerWithSource(config);
  connectFrom(p, 0, "d", 0, "down", [0, 2]);
  const { data, auth } = new Feed().batch(count, 100);
  src.send(p, 100, auth);
  p.handleMessage(100, "d", { t: "keepalive", club: 0, lead: false, cookie: 0, offers: false });
  drain(p, 100);
  return { p, src, data };
}

Deno.test("[0046] on receipt a peer tells its other in-club upstreams of the block's club that it has it", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "a", 0, "up", [0, 2]);
  connectFrom(p, 0, "b", 0, "up", [0, 2]);
  connectFrom(p, 0, "c", 1, "up", [1, 2]);
  connectFrom(p, 0, "x", 2, "up", [2, 0]);
  drain(p, 0);
  const { data, auth } = new Feed().batch(12, 0); // auth 12 is in club 0
  new Upstream("a", 0).send(p, 10, data[3]);
  assertEquals(haves(drain(p, 10)), ["0:3>b"]);
  new Upstream("x", 2).send(p, 20, data[2]);
  assertEquals(haves(drain(p, 20)), [], "no have for another club's block");
  new Upstream("b", 0).send(p, 30, data[3]);
  assertEquals(haves(drain(p, 30)), [], "no have for a duplicate");
  // A signature block travels every in-club mesh, so every in-club upstream hears of it.
  new Upstream("a", 0).send(p, 40, auth);
  assertEquals(haves(drain(p, 40)).sort(), ["0:12>b", "1:12>c"]);
});

Deno.test("haves of blocks that came since the peer last sent leave as one per upstream", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "a", 0, "up", [0, 2]);
  connectFrom(p, 0, "b", 0, "up", [0, 2]);
  connectFrom(p, 0, "c", 1, "up", [1, 2]);
  drain(p, 0);
  const { data, auth } = new Feed().batch(12, 0);
  const a = new Upstream("a", 0);
  a.send(p, 10, data[3]);
  a.send(p, 15, data[6]);
  a.send(p, 18, auth);
  assert(p.hasPending(), "gathered haves wait to be sent");
  assertEquals(haves(drain(p, 18)), ["0:3,6,12>b", "1:12>c"]);
  // The upstream's side: each seq of an arrival "have" teaches it a lag.
  const { p: up, src, data: more } = withNonLeadDownstream(30);
  const seqs = [0, 3, 6, 9, 12, 15, 18, 21, 24, 27];
  seqs.forEach((seq, k) => src.send(up, 110 + k, more[seq]));
  up.handleMessage(300, "d", { t: "have", club: 0, seqs, list: false });
  // Lags 190 .. 181 ms, with the six empty places of 16 as 0: the hold's rank (13) reads 188.
  const lags = up.ups.find("d", 0)!.haveLags;
  assertEquals(lags.holdMs, 188 + lags.marginMs);
});

Deno.test("[0047] a block is not sent to an in-club downstream that said have, even when the have comes while it waits", () => {
  const { p, src } = peerWithSource();
  connectFrom(p, 0, "d1", 0, "down", [0, 2]);
  connectFrom(p, 0, "d2", 0, "down", [0, 2]);
  const { data, auth } = new Feed().batch(12, 0);
  src.send(p, 10, auth);
  drain(p, 10);
  p.handleMessage(20, "d1", { t: "have", club: 0, seqs: [3], list: false });
  src.send(p, 30, data[3]);
  assertEquals(blocks(drain(p, 30)), ["3>d2"]);
  src.send(p, 40, data[6]);
  p.handleMessage(41, "d2", { t: "have", club: 0, seqs: [6], list: false }); // block 6 is queued by now
  assertEquals(blocks(drain(p, 41)), ["6>d1"]);
});

Deno.test("a block is not sent to an out-of-club downstream that said have (it came to it by repair)", () => {
  const { p, src } = peerWithSource();
  connectFrom(p, 0, "z", 0, "down", [2, 1]); // z downloads club 0 from p, out of club
  drain(p, 0);
  const { data, auth } = new Feed().batch(12, 0);
  src.send(p, 10, auth);
  drain(p, 10);
  p.handleMessage(20, "z", { t: "have", club: 0, seqs: [3], list: false });
  src.send(p, 30, data[3]);
  src.send(p, 30, data[6]);
  p.handleMessage(30, "z", { t: "have", club: 0, seqs: [6], list: false }); // 6 is queued by now
  src.send(p, 30, data[9]);
  assertEquals(blocks(drain(p, 30)), ["9>z"]);
});

Deno.test("a block is never sent back to the peer it came from", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "a", 0, "up", [0, 2]); // a uploads club 0 to p
  connectFrom(p, 0, "a", 0, "down", [0, 2]); // and downloads it from p
  connectFrom(p, 0, "d", 0, "down", [0, 2]);
  drain(p, 0);
  const { data, auth } = new Feed().batch(12, 0);
  const a = new Upstream("a", 0);
  a.send(p, 10, auth);
  a.send(p, 10, data[3]);
  assertEquals(blocks(drain(p, 10)).sort(), ["12>d", "3>d"]);
});

Deno.test("[0048] in-club downstreams come first, but one out-of-club block goes after nine in-club ones", () => {
  const { p, src } = peerWithSource();
  connectFrom(p, 0, "d", 0, "down", [0, 2]); // in-club downstream
  connectFrom(p, 0, "z", 0, "down", [1, 2]); // out-of-club downstream
  drain(p, 0);
  const feed = new Feed();
  const one = feed.batch(30, 0), two = feed.batch(30, 0); // club 0 data: 10 blocks each
  const club0 = [...one.data, ...two.data].filter((b) => b.seq % 3 === 0);
  assertEquals(club0.length, 20);
  for (const b of club0) src.send(p, 10, b); // pending: not relayed before the signature
  src.send(p, 20, one.auth);
  src.send(p, 20, two.auth);
  const order = drain(p, 20).flatMap(({ to, msg }) =>
    msg.t === "block" && msg.block.kind === "data" ? [to] : []
  );
  const expected = [
    ...Array(9).fill("d"),
    "z",
    ...Array(9).fill("d"),
    "z",
    ...Array(2).fill("d"),
    ...Array(18).fill("z"),
  ];
  assertEquals(order, expected);
});

Deno.test("[0050] blocks of other clubs are not relayed, and a peer does not upload a club it is not in", () => {
  const { p, src } = peerWithSource();
  connectFrom(p, 0, "x", 2, "up", [2, 0]); // out-of-club upstream of club 2
  connectFrom(p, 0, "d", 0, "down", [0, 2]);
  connectFrom(p, 0, "z", 0, "down", [2, 1]);
  connectFrom(p, 0, "e", 1, "down", [1, 2]);
  drain(p, 0);
  const { data, auth } = new Feed().batch(12, 0);
  deliver(p, 10, [...data, auth], [src, new Upstream("x", 2)]);
  const ready = new Set<number>();
  for (let e = p.pollEvent(); e; e = p.pollEvent()) if (e.type === "ready") ready.add(e.seq);
  for (const s of [2, 5, 8, 11]) assert(ready.has(s), `club 2 block ${s} verified`);
  const sent = blocks(drain(p, 10));
  assertEquals(sent.filter((s) => /^(2|5|8|11)>/.test(s)), [], "no club 2 block relayed");
  for (const to of ["d", "z"]) assert(sent.includes(`3>${to}`), `club 0 block 3 to ${to}`);
  // A signature block also travels club 1's mesh (offered after a hold); data does not.
  const late = 10 + p.cfg.holdMs;
  p.handleTimeout(late);
  sent.push(...blocksOrOffers(drain(p, late)));
  assertEquals(sent.filter((s) => s.endsWith(">e")), ["12>e"]);
  connectFrom(p, late, "w", 2, "down", [2, 0]);
  assertEquals(drain(p, late).map((o) => `${o.msg.t}>${o.to}`), ["drop>w"]);
});

Deno.test("lead upstreams: a non-lead in-club upstream holds a block for holdMs, and a have meanwhile cancels it", () => {
  const { p, src } = peerWithSource({ offerHoldMs: 0 }); // pushes its held copies (no offers)
  connectFrom(p, 0, "d", 0, "down", [0, 2]);
  connectFrom(p, 0, "z", 0, "down", [2, 1]); // out of club: never held
  const { data, auth } = new Feed().batch(12, 100);
  src.send(p, 100, auth);
  drain(p, 100);
  p.handleMessage(100, "d", { t: "keepalive", club: 0, lead: false, cookie: 0, offers: false });
  src.send(p, 100, data[3]);
  assertEquals(blocks(drain(p, 100)), ["3>z"]);
  const hold = p.cfg.holdMs;
  assert(p.pollTimeout() <= 100 + hold, "wakes when the hold ends");
  assertEquals(blocks(drain(p, 100 + hold - 1)), []);
  p.handleTimeout(100 + hold);
  assertEquals(blocks(drain(p, 100 + hold)), ["3>d"]);
  src.send(p, 400, data[6]);
  drain(p, 400);
  p.handleMessage(400 + hold / 2, "d", { t: "have", club: 0, seqs: [6], list: false });
  p.handleTimeout(400 + hold);
  assertEquals(blocks(drain(p, 400 + hold)), [], "the have spared the held copy");
  const t = 400 + hold + 10;
  p.handleMessage(t, "d", { t: "keepalive", club: 0, lead: true, cookie: 0, offers: false });
  src.send(p, t, data[9]);
  assertEquals(blocks(drain(p, t)).sort(), ["9>d", "9>z"], "the lead pushes at once");
});

Deno.test("lead upstreams: a downstream whose haves come late gets longer holds, up to holdMaxMs", () => {
  const { p, src, data } = withNonLeadDownstream(30, { offerHoldMs: 0 });
  const { holdMs, holdMaxMs } = p.cfg;
  const lag = holdMs + 100; // d's lead gets blocks to it this much later than we do
  let t = 200, early = 0;
  for (const seq of [0, 3, 6, 9, 12, 15]) {
    src.send(p, t, data[seq]);
    p.handleTimeout(t + holdMs);
    early += blocks(drain(p, t + holdMs)).filter((b) => b.endsWith(">d")).length;
    p.handleMessage(t + lag, "d", { t: "have", club: 0, seqs: [seq], list: false });
    t += 2 * lag;
  }
  assert(early > 0, "at first the usual hold sends copies d then gets anyway");
  src.send(p, t, data[24]);
  p.handleTimeout(t + holdMs);
  assertEquals(blocks(drain(p, t + holdMs)), [], "held past holdMs now");
  p.handleTimeout(t + holdMaxMs);
  assertEquals(blocks(drain(p, t + holdMaxMs)), ["24>d"], "but not past holdMaxMs");
});

/**
 * A peer with two in-club upstreams of club 0, a and b. It names one its lead at 0; then
 * twenty blocks come from both, 50 ms apart, the lead's copy `leadLagMs` and the other's
 * `otherLagMs` after each block's turn. Returns who led, and the lead flags the keep-alives
 * at 2 s carry (keep-alives every second, so the ones at 2 s follow the choice made then).
 */
function leadRace(config: Partial<PeerConfig>, leadLagMs: number, otherLagMs: number) {
  const p = makePeer({
    myClubs: [0, 1],
    config: { leadEveryMs: 2000, keepaliveMs: 1000, ...config },
  });
  connectFrom(p, 0, "a", 0, "up", [0, 2]);
  connectFrom(p, 0, "b", 0, "up", [0, 2]);
  drain(p, 0);
  const leads = (out: readonly Out[]) =>
    out.flatMap(({ to, msg }) =>
      msg.t === "keepalive" && msg.club === 0 ? [`${to}:${msg.lead}`] : []
    );
  p.handleTimeout(0);
  const first = leads(drain(p, 0));
  const [lead, other] = first[0] === "a:true" ? ["a", "b"] : ["b", "a"];
  const block = new Feed().batch(1, 0).data[0];
  const sends = [[lead, leadLagMs], [other, otherLagMs]] as const;
  const order = leadLagMs <= otherLagMs ? sends : [sends[1], sends[0]];
  const up = { [lead]: new Upstream(lead, 0), [other]: new Upstream(other, 0) };
  for (let i = 0; i < 20; i++) {
    const b = { ...block, seq: 3 * (i + 1), srcTime: 100 + 50 * i };
    for (const [who, lag] of order) up[who].send(p, 100 + lag + 50 * i, b);
    p.handleTimeout(110 + 50 * i);
  }
  drain(p, 1300);
  p.handleTimeout(2000);
  return { first, lead, other, sent: leads(drain(p, 2000)).sort() };
}

Deno.test("lead upstreams: a peer names one in-club upstream its lead, and switches to one that clearly delivers first", () => {
  // The other upstream's copies arrive first, twenty times over.
  const { first, lead, other, sent } = leadRace({}, 30, 10);
  assertEquals(first.length, 1);
  assertEquals(first, [`${lead}:true`]);
  assertEquals(sent, [`${lead}:false`, `${other}:true`].sort());
});

Deno.test("lead upstreams: a non-lead whose held copies come soon after the lead's becomes the lead (leadNearMs)", () => {
  // The non-lead holds each block at least holdMs (250 ms) before it sends it: a copy of it
  // 100 ms after the lead's was in its hands 150 ms before the lead's came, so it is nearer.
  const off = leadRace({ leadNearMs: 0 }, 10, 110);
  assertEquals(off.sent, [], "first arrivals alone keep the lead");
  const on = leadRace({ leadNearMs: 150 }, 10, 110);
  assertEquals(on.sent, [`${on.lead}:false`, `${on.other}:true`].sort());
});

Deno.test("a new in-club upstream hears which of the newest blocks the peer already holds", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "a", 0, "up", [0, 2]);
  drain(p, 0);
  const { data, auth } = new Feed().batch(12, 0); // club 0: data 0, 3, 6, 9 and auth 12
  const a = new Upstream("a", 0);
  a.send(p, 10, auth);
  for (const seq of [0, 3, 6]) a.send(p, 10, data[seq]);
  drain(p, 10);
  // An upstream that offers the club: one "have" of its data blocks, one of the signatures.
  connectFrom(p, 20, "b", 0, "up", [0, 2]);
  assertEquals(haves(drain(p, 20)), ["0:6,3,0>b", "0:12>b"]);
  // One that accepts this peer's request (its address proven, as by a pong): the same.
  p.guard.validate("c");
  requestDownload(p, 30, "c", 0);
  drain(p, 30);
  p.handleMessage(30, "c", { t: "accept", club: 0, dir: "down", cookie: 0 });
  assertEquals(haves(drain(p, 30)), ["0:6,3,0>c", "0:12>c"]);
  // An out-of-club upstream relays nothing on: it hears nothing.
  connectFrom(p, 40, "x", 2, "up", [2, 0]);
  assertEquals(haves(drain(p, 40)), []);
});

Deno.test("an upstream spares the blocks a downstream listed as held, and learns no hold from the list", () => {
  const { p, src, data } = withNonLeadDownstream(12);
  src.send(p, 110, data[3]);
  src.send(p, 110, data[6]);
  drain(p, 110);
  // d lists 3 and 6, which we hold for it, and 9, which we do not have yet.
  p.handleMessage(400, "d", { t: "have", club: 0, seqs: [9, 6, 3], list: true });
  src.send(p, 410, data[9]);
  p.handleTimeout(410 + p.cfg.holdMaxMs);
  assertEquals(blocks(drain(p, 410 + p.cfg.holdMaxMs)), []);
  const up = p.ups.find("d", 0)!;
  assertEquals(up.haveLags.holdMs, 0, "a list is no news of an arrival: no lag learned");
  p.handleMessage(800, "d", { t: "have", club: 0, seqs: [0], list: false });
  src.send(p, 900, data[0]);
  assertEquals(up.haveLags.holdMs, 0, "a have before we got the block is no lag either");
});

Deno.test("[0056] a new downstream's bitfield gets it exactly the held blocks it lacks", () => {
  const { p, src } = peerWithSource();
  const feed = new Feed();
  const { data, auth } = feed.batch(12, 0); // club 0: data 0, 3, 6, 9 and auth 12
  deliver(p, 10, [...data, auth], [src]);
  const have = makeBitfield((s) => s === 0 || s === 6, 0, 3, 5);
  connectFrom(p, 100, "d", 0, "down", [0, 2], have);
  const out = drain(p, 100);
  assertEquals(out[0], {
    to: "d",
    msg: { t: "accept", club: 0, dir: "down", cookie: p.guard.cookie("d") },
  });
  assertEquals(blocks(out).sort(), ["12>d", "3>d", "9>d"]);
  assert(
    out.every(({ msg }) => msg.t !== "block" || msg.repair),
    "catch-up is outside the counter",
  );
  // Without a bitfield the newcomer gets the recent history: all of it here.
  connectFrom(p, 100, "e", 0, "down", [0, 2]);
  assertEquals(blocks(drain(p, 100)).sort(), ["0>e", "12>e", "3>e", "6>e", "9>e"]);
  // Catch-up blocks made too long (source time) before the newest held are not sent.
  const later = feed.batch(12, 3000); // club 0: data 15, 18, 21, 24 and auth 25 is club 1
  deliver(p, 3010, [...later.data, later.auth], [src]);
  drain(p, 3010);
  connectFrom(p, 3010, "f", 0, "down", [0, 2]);
  assertEquals(blocks(drain(p, 3010)).sort(), ["15>f", "18>f", "21>f", "24>f"]);
});

Deno.test("paced history: a joiner's history leaves a few blocks per tick, oldest first", () => {
  // Stream rate 1 Mbit/s (the Feed's bitrate), 3 clubs: a club's share is ~37 blocks/s, so
  // at pace 1 a 50 ms tick lets ~1.85 blocks go.
  const p = makePeer({ myClubs: [0, 1], config: { catchUpPace: 1 } });
  connectFrom(p, 0, "src", 0, "up", []);
  drain(p, 0);
  const { data, auth } = new Feed().batch(12, 0); // club 0: data 0, 3, 6, 9 and auth 12
  deliver(p, 10, [...data, auth], [new Upstream("src", 0)]);
  drain(p, 10);
  connectFrom(p, 20, "e", 0, "down", [0, 2]);
  assertEquals(blocks(drain(p, 20)), [], "nothing at once");
  const sent: string[][] = [];
  for (let t = 50; t <= 200; t += 50) {
    p.handleTimeout(t);
    sent.push(blocks(drain(p, t)));
  }
  assertEquals(sent, [["0>e"], ["3>e", "6>e"], ["9>e", "12>e"], []]);
});

Deno.test("paced history keeps its rate when housekeeping runs late (a busy machine)", () => {
  const sentBy = (every: number) => {
    const p = makePeer({ myClubs: [0, 1], config: { catchUpPace: 1 } });
    connectFrom(p, 0, "src", 0, "up", []);
    drain(p, 0);
    const { data, auth } = new Feed().batch(12, 0);
    deliver(p, 10, [...data, auth], [new Upstream("src", 0)]);
    drain(p, 10);
    connectFrom(p, 20, "e", 0, "down", [0, 2]);
    drain(p, 20);
    let n = 0;
    for (let t = every; t <= 150; t += every) {
      p.handleTimeout(t);
      n += blocks(drain(p, t)).length;
    }
    return n;
  };
  // ~1.85 blocks per 50 ms: all 5 (0, 3, 6, 9, 12) by 150 ms, whether in three rounds or one.
  assertEquals(sentBy(50), 5);
  assertEquals(sentBy(150), sentBy(50), "one late round sends what three on time would");
});

Deno.test("lead upstreams: another club's signature block that came early is held for a downstream until most of the recent ones had come", () => {
  const p = makePeer({ myClubs: [0, 1], config: { authHoldAgeQ: 0.8, authHoldCapMs: 800 } });
  connectFrom(p, 0, "x", 2, "up", [2, 0]); // out-of-club upstream of club 2
  connectFrom(p, 0, "d", 1, "down", [1, 2]); // in-club downstream on club 1: a non-lead
  drain(p, 0);
  const x = new Upstream("x", 2);
  const feed = new Feed();
  const comes = (t: number, age: number) => {
    const { auth } = feed.batch(2, t - age); // seq 3k + 2: club 2's signature block
    x.send(p, t, auth);
    p.handleMessage(t, "d", { t: "keepalive", club: 1, lead: false, cookie: 0, offers: false });
    return auth.seq;
  };
  // 24 signature blocks that came 100, 120, ... 560 ms after they were made: 0.8 of them
  // had come by 480 ms (the 20th of 24).
  let t = 1000;
  for (let i = 0; i < 24; i++, t += 600) {
    comes(t, 100 + 20 * i);
    p.handleTimeout(t + 599);
    drain(p, t + 599);
  }
  const { holdMs } = p.cfg; // what d's "have"s taught: nothing late, so holdMs
  const early = comes(t, 50);
  p.handleTimeout(t + holdMs);
  assertEquals(blocksOrOffers(drain(p, t + holdMs)), [], "held past holdMs");
  p.handleTimeout(t + 449);
  assertEquals(blocksOrOffers(drain(p, t + 449)), []);
  p.handleTimeout(t + 450);
  assertEquals(
    blocksOrOffers(drain(p, t + 450)),
    [`${early}>d`],
    "until 480 ms of age, in 50 ms steps",
  );
  t += 1000;
  const late = comes(t, 480); // as old as that already: the usual hold
  p.handleTimeout(t + holdMs - 1);
  assertEquals(blocksOrOffers(drain(p, t + holdMs - 1)), []);
  p.handleTimeout(t + holdMs);
  assertEquals(blocksOrOffers(drain(p, t + holdMs)), [`${late}>d`]);
  t += 1000;
  const cap = p.cfg.authHoldCapMs;
  const ancient = feed.batch(2, t + 5000).auth; // a clock gone wrong: held no longer than the cap
  x.send(p, t, ancient);
  p.handleTimeout(t + cap - 1);
  assertEquals(blocksOrOffers(drain(p, t + cap - 1)), []);
  p.handleTimeout(t + cap);
  assertEquals(blocksOrOffers(drain(p, t + cap)), [`${ancient.seq}>d`]);
});
