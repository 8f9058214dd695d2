/**
 * Congestion control in the peer core [0051]-[0053]: sustained excess delay, sustained
 * packet-counter gaps, idle downloads and uploads without keep-alives drop a connection;
 * a saturated uploader says it is full, refuses new out-of-club downloaders and sheds one.
 */
import { assert, assertEquals } from "../testing.ts";
import type { Addr, Block, DropMsg } from "../wire/messages.ts";
import { pingPad } from "../wire/size.ts";
import { PeerCore } from "./peer.ts";
import { COUNTER_WINDOW } from "./conn_counter.ts";
import { Rng } from "../rand.ts";
import { connectFrom, drain, Feed, makePeer, type Out, Upstream } from "./test_harness.ts";

const BLOCK = new Feed().batch(1, 0).data[0];

/** A block of club 2 (of 3) made at 20 * i, of no batch the tests sign. */
function club2(i: number): Block {
  return { ...BLOCK, seq: 302 + 3 * i, srcTime: 20 * i };
}

/** A peer in clubs 0 and 1 downloading club 2 from x, out of club. */
function withDownload(): { p: PeerCore; x: Upstream } {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "x", 2, "up", [2, 0]);
  drain(p, 0);
  return { p, x: new Upstream("x", 2) };
}

/** The drops sent to `to` (without their cookies). */
function dropsTo(out: readonly Out[], to: Addr): Omit<DropMsg, "cookie">[] {
  const drops: Omit<DropMsg, "cookie">[] = [];
  for (const o of out) {
    if (o.to === to && o.msg.t === "drop") {
      drops.push({ t: "drop", club: o.msg.club, dir: o.msg.dir });
    }
  }
  return drops;
}

Deno.test("[0051] a download whose blocks arrive with sustained excess delay past the threshold is dropped, and the uploader banned", () => {
  const { p, x } = withDownload();
  const late = p.cfg.defaultThresholdMs + 200;
  for (let i = 0; i < 8; i++) x.send(p, 20 * i + 50, club2(i));
  x.send(p, 20 * 8 + 50 + late, club2(8));
  assert(p.downs.has("2|x"), "one late block is not congestion");
  for (let i = 9; i < 24 && p.downs.has("2|x"); i++) x.send(p, 20 * i + 50 + late, club2(i));
  assertEquals(p.stats.dropped.delay, 1);
  assert(p.bans.has("x"));
  assertEquals(dropsTo(drain(p, 1000), "x"), [{ t: "drop", club: 2, dir: "down" }]);
});

Deno.test("[0051] one very late block among timely ones does not drop the download", () => {
  const { p, x } = withDownload();
  for (let i = 0; i < 30; i++) x.send(p, 20 * i + 50 + (i === 10 ? 3000 : 0), club2(i));
  assert(p.downs.has("2|x"));
  assertEquals(p.stats.dropped, {});
});

Deno.test("[0051] the delay threshold is the one the source put in its latest signature block", () => {
  for (const threshold of [200, 800]) {
    const { p, x } = withDownload();
    connectFrom(p, 0, "src", 0, "up", []);
    new Upstream("src", 0).send(p, 1, new Feed().batch(12, 0, threshold).auth);
    assertEquals(p.thresholdMs, threshold);
    for (let i = 0; i < 30; i++) x.send(p, 20 * i + 50 + (i < 8 ? 0 : 400), club2(i));
    assertEquals(p.downs.has("2|x"), threshold > 400, `400 ms excess, threshold ${threshold}`);
  }
});

Deno.test("[0051] a download is dropped for delay only when it is that much slower than the peer's others", () => {
  for (const allSlow of [true, false]) {
    const { p, x } = withDownload();
    const others = ["a", "b", "c"].map((name, k) => {
      connectFrom(p, 0, name, k % 2, "up", [k % 2, 2]);
      return new Upstream(name, k % 2);
    });
    drain(p, 0);
    const late = p.cfg.defaultThresholdMs + 200;
    for (let i = 0; i < 30; i++) {
      const extra = i < 8 ? 0 : late;
      x.send(p, 20 * i + 50 + extra, club2(i));
      others.forEach((u, k) => {
        const block = { ...BLOCK, seq: 300 + 3 * i + (k % 2), srcTime: 20 * i };
        u.send(p, 20 * i + 50 + (allSlow ? extra : 0), block);
      });
    }
    // Every path equally late is the swarm's delay (say, late signatures), not x's.
    assertEquals(p.downs.has("2|x"), allSlow, allSlow ? "kept" : "dropped");
    assertEquals(p.stats.dropped.delay ?? 0, allSlow ? 0 : 1);
  }
});

Deno.test("[0052] sustained packet-counter gaps drop a download; a single gap does not", () => {
  const { p, x } = withDownload();
  for (let i = 0; i < 60; i++) x.send(p, 20 * i + 50, club2(i), i < 30 ? i + 1 : i + 2);
  assert(p.downs.has("2|x"), "one lost datagram is tolerated");
  const lossy = withDownload();
  let i = 0;
  while (lossy.p.downs.has("2|x") && i < 40) lossy.x.send(lossy.p, 20 * i + 50, club2(i), 2 * ++i);
  assertEquals(lossy.p.stats.dropped.loss, 1);
  assertEquals(i, lossy.p.cfg.maxLoss + 2, "dropped once the losses exceed the tolerance");
  assert(lossy.p.bans.has("x"));
});

Deno.test("[0052] gaps the peer's own socket explains (its drops, told first) drop no download", () => {
  // Every other datagram lost, as above, but each loss told as the own socket's first.
  const own = withDownload();
  for (let i = 1; i <= 30; i++) {
    own.p.noteReceiveOverflow(20 * i + 49, 1);
    own.x.send(own.p, 20 * i + 50, club2(i), 2 * i);
  }
  assert(own.p.downs.has("2|x"), "kept: the losses were the peer's own");
  assertEquals(own.p.stats.dropped.loss ?? 0, 0);
  assertEquals(own.p.downs.get("2|x")!.monitor.excused, 29);
  assertEquals([own.p.ownOverflow.dropped, own.p.ownOverflow.excused], [30, 29]);
  // Drops told long before the gaps explain none of them: dropped as without them.
  const stale = withDownload();
  stale.p.noteReceiveOverflow(10, 100);
  let i = 0;
  while (stale.p.downs.has("2|x") && i < 40) {
    stale.x.send(stale.p, 1000 + 20 * i, club2(i), 2 * ++i);
  }
  assertEquals(stale.p.stats.dropped.loss, 1);
  assertEquals(i, stale.p.cfg.maxLoss + 2);
  // Fewer drops than lost datagrams: the rest are the link's.
  const few = withDownload();
  few.p.noteReceiveOverflow(40, 3);
  few.x.send(few.p, 50, club2(0), 1);
  few.x.send(few.p, 70, club2(1), 2 + 3 + few.p.cfg.maxLoss + 1);
  assertEquals(few.p.stats.dropped.loss, 1);
});

Deno.test("[0052] a jump in the counter past the spoof window, explained by own drops, is taken", () => {
  const { p, x } = withDownload();
  x.send(p, 50, club2(0), 1);
  const far = 1 + COUNTER_WINDOW + 100;
  x.send(p, 70, club2(1), far); // a spoofer's, by the window: dropped unread
  assertEquals(p.stats.spoofedBlocks, 1);
  p.noteReceiveOverflow(89, far - 2);
  x.send(p, 90, club2(2), far); // the own socket dropped all between: the connection's
  assertEquals(p.stats.spoofedBlocks, 1);
  assert(p.downs.has("2|x"));
  assertEquals(p.downs.get("2|x")!.monitor.newest, far);
});

Deno.test("[0052] a block skipped after a have is not a gap: the counter counts datagrams sent", () => {
  const up = makePeer({ self: "u", myClubs: [0, 1] });
  const down = makePeer({ self: "d", myClubs: [0, 2] });
  connectFrom(up, 0, "src", 0, "up", []);
  connectFrom(up, 0, "d", 0, "down", [0, 2]);
  connectFrom(down, 0, "u", 0, "up", [0, 1]);
  drain(up, 0);
  const src = new Upstream("src", 0);
  const { data, auth } = new Feed().batch(30, 0);
  src.send(up, 10, auth);
  drain(up, 10);
  for (const s of [3, 6, 9]) src.send(up, 20, data[s]);
  up.handleMessage(20, "d", { t: "have", club: 0, seqs: [6], list: false }); // 6 is queued by now
  const sent = drain(up, 20).flatMap((o) => o.msg.t === "block" ? [o.msg] : []);
  assertEquals(sent.map((m) => m.block.seq), [3, 9]);
  assertEquals(sent[1].n, sent[0].n + 1, "no counter skipped for block 6");
  for (const m of sent) down.handleMessage(60, "u", m);
  assertEquals(down.downs.get("0|u")!.monitor.lost, 0);
});

Deno.test("[0053] an idle out-of-club download is dropped and banned; an in-club one gets longer", () => {
  const { p } = withDownload();
  connectFrom(p, 0, "a", 0, "up", [0, 2]);
  const { idleOutMs, idleInMs } = p.cfg;
  p.handleTimeout(idleOutMs - 10);
  assert(p.downs.has("2|x"));
  p.handleTimeout(idleOutMs + 60);
  assert(!p.downs.has("2|x"));
  assertEquals(p.stats.dropped.idle, 1);
  assert(p.bans.has("x"));
  assert(p.downs.has("0|a"), "the in-club download is not idle yet");
  assertEquals(dropsTo(drain(p, idleOutMs + 60), "x"), [{ t: "drop", club: 2, dir: "down" }]);
  p.handleTimeout(idleInMs + 60);
  assert(!p.downs.has("0|a"));
});

Deno.test("[0053] blocks keep a download alive", () => {
  const { p, x } = withDownload();
  for (let t = 0, i = 0; t < 3 * p.cfg.idleOutMs; t += 50) {
    if (t % 500 === 0) x.send(p, t, club2(i++));
    p.handleTimeout(t);
  }
  assert(p.downs.has("2|x"));
});

Deno.test("[0053] an upload whose downstream sends no keep-alives is dropped; one that does is kept", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "quiet", 0, "down", [0, 2]);
  connectFrom(p, 0, "chatty", 0, "down", [0, 2]);
  drain(p, 0);
  const end = p.cfg.keepaliveTimeoutMs + 200;
  for (let t = 50; t <= end; t += 50) {
    if (t % p.cfg.keepaliveMs === 0) {
      p.handleMessage(t, "chatty", {
        t: "keepalive",
        club: 0,
        lead: true,
        cookie: 0,
        offers: false,
      });
    }
    p.handleTimeout(t);
  }
  assert(!p.ups.has("0|quiet"));
  assert(p.ups.has("0|chatty"));
  assertEquals(p.stats.dropped.keepalive, 1);
  assert(p.bans.has("quiet"));
});

Deno.test("[0053] an upload silent while the peer's own socket dropped datagrams is let go, not banned", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "quiet", 0, "down", [0, 2]);
  drain(p, 0);
  p.noteReceiveOverflow(700, 40); // its keep-alives may be among these
  for (let t = 50; t <= p.cfg.keepaliveTimeoutMs + 200; t += 50) p.handleTimeout(t);
  assert(!p.ups.has("0|quiet"));
  assertEquals(p.stats.dropped.keepalive, 1);
  assert(!p.bans.has("quiet"));
});

Deno.test("[0053] a downstream sends keep-alives on its download connections", () => {
  const { p } = withDownload();
  const sent: number[] = [];
  for (let t = 0; t <= 2 * p.cfg.keepaliveMs; t += 50) {
    p.handleTimeout(t);
    for (const o of drain(p, t)) if (o.to === "x" && o.msg.t === "keepalive") sent.push(t);
    if (t % 200 === 0) new Upstream("x", 2).send(p, t, club2(t / 200), t / 200 + 1);
  }
  assertEquals(sent, [p.cfg.keepaliveMs, 2 * p.cfg.keepaliveMs]);
});

Deno.test("a saturated uploader reports full, refuses new out-of-club downloaders, and sheds its newest out-of-club upload", () => {
  const p = makePeer({ myClubs: [0, 1] });
  const src = new Upstream("src", 0);
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "z1", 0, "down", [1, 2]);
  connectFrom(p, 1, "z2", 0, "down", [1, 2]);
  connectFrom(p, 1, "d", 0, "down", [0, 2]);
  const { data, auth } = new Feed().batch(30, 0);
  src.send(p, 1, auth);
  for (const b of data.filter((b) => b.seq % 3 === 0)) src.send(p, 1, b);
  for (let o = p.queue.nextControl(); o; o = p.queue.nextControl());
  // The upload link only lets 20 datagrams through in the first second.
  const t = 1000;
  for (let i = 0; i < 20; i++) p.pollTransmit(t);
  assert(p.queue.blocksWaiting > 0 && p.queueDelayMs > p.cfg.shedDelayMs);
  p.handleMessage(t, "q", { t: "ping", nonce: 5, pad: pingPad(5) });
  connectFrom(p, t, "e", 0, "down", [1, 2]); // out of club: refused
  connectFrom(p, t, "f", 0, "down", [0, 2]); // in club: taken
  p.handleTimeout(t);
  const out: Out[] = [];
  for (let o = p.queue.nextControl(); o; o = p.queue.nextControl()) out.push(o);
  const pong = out.find((o) => o.msg.t === "pong")!.msg;
  assert(pong.t === "pong" && pong.full, "the pong says full");
  assertEquals(dropsTo(out, "e"), [{ t: "drop", club: 0, dir: "up" }]);
  assert(out.some((o) => o.to === "f" && o.msg.t === "accept"));
  assertEquals(dropsTo(out, "z2"), [{ t: "drop", club: 0, dir: "up" }], "the newest is shed");
  assert(p.ups.has("0|z1") && !p.ups.has("0|z2"));
  assert(!p.bans.has("z2"), "shedding is not a ban");
});

/** Sends datagrams from `p` at `now` until `blocks` more out-of-club blocks left. */
function sendOut(p: PeerCore, now: number, blocks: number): void {
  const until = p.stats.sent.out + blocks;
  while (p.stats.sent.out < until) assert(p.pollTransmit(now) !== undefined);
}

Deno.test("a backlogged uploader measures how many out-of-club uploads its link carries, sheds down to that at once, and takes no more until the limit grows", () => {
  const p = makePeer({ myClubs: [0, 1], config: { uploadLimitGrowMs: 500 } });
  const src = new Upstream("src", 0);
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "d", 0, "down", [0, 2]);
  const outs = ["z1", "z2", "z3", "z4", "z5", "z6"];
  outs.forEach((z, i) => connectFrom(p, 1 + i, z, 0, "down", [1, 2]));
  const feed = new Feed();
  for (let k = 0; k < 2; k++) {
    const { data, auth } = feed.batch(30, 0);
    src.send(p, 10, auth);
    for (const b of data.filter((b) => b.seq % 3 === 0)) src.send(p, 10, b);
  }
  for (let o = p.queue.nextControl(); o; o = p.queue.nextControl());
  // A slow link: the queue backs up; the first round sheds the newest, as without a limit.
  sendOut(p, 1000, 20);
  p.handleTimeout(1000);
  assert(!p.ups.has("0|z6"));
  assertEquals(p.uploadLimit.value, Infinity, "one round measures nothing");
  // 80 out-of-club blocks a second; one upload of a club of 3 at 1 Mbit/s needs 36.9.
  sendOut(p, 1050, 4);
  p.handleTimeout(1050);
  assertEquals(p.uploadLimit.value, 2);
  sendOut(p, 1200, 12);
  p.handleTimeout(1200);
  assertEquals(p.outUploads(), 2, "shed down to the limit in one round");
  assertEquals(outs.filter((z) => p.ups.has(`0|${z}`)), ["z1", "z2"], "the newest went");
  // The link catches up: nothing waits any more, and yet two out-of-club uploads are the limit.
  drain(p, 1210);
  assertEquals(p.queue.blocksWaiting, 0);
  p.handleMessage(1220, "q", { t: "ping", nonce: 5, pad: pingPad(5) });
  connectFrom(p, 1220, "e", 0, "down", [1, 2]);
  let out = drain(p, 1220);
  const pong = out.find((o) => o.msg.t === "pong")!.msg;
  assert(pong.t === "pong" && pong.full, "the pong says full at the limit");
  assertEquals(dropsTo(out, "e"), [{ t: "drop", club: 0, dir: "up" }]);
  connectFrom(p, 1220, "f", 0, "down", [0, 2]); // in club: taken
  assert(drain(p, 1220).some((o) => o.to === "f" && o.msg.t === "accept"));
  // 500 ms at the limit without a backlog: one more is taken.
  for (let t = 1250; t <= 1750; t += 50) {
    for (const z of ["z1", "z2", "d", "f"]) {
      const cookie = p.ups.get(`0|${z}`)!.secret;
      p.handleMessage(t, z, { t: "keepalive", club: 0, cookie, lead: false, offers: false });
    }
    p.handleTimeout(t);
    drain(p, t);
  }
  assertEquals(p.uploadLimit.value, 3);
  connectFrom(p, 1760, "g", 0, "down", [1, 2]);
  out = drain(p, 1760);
  assert(out.some((o) => o.to === "g" && o.msg.t === "accept"));
});

Deno.test("an uploader that keeps up is not full and takes out-of-club downloaders", () => {
  const p = makePeer({ myClubs: [0, 1] });
  const src = new Upstream("src", 0);
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "z1", 0, "down", [1, 2]);
  const { data, auth } = new Feed().batch(30, 0);
  src.send(p, 1, auth);
  for (const b of data.filter((b) => b.seq % 3 === 0)) src.send(p, 1, b);
  drain(p, 1);
  p.handleMessage(2, "q", { t: "ping", nonce: 5, pad: pingPad(5) });
  connectFrom(p, 2, "e", 0, "down", [1, 2]);
  const out = drain(p, 2);
  const pong = out.find((o) => o.msg.t === "pong")!.msg;
  assert(pong.t === "pong" && !pong.full);
  assert(out.some((o) => o.to === "e" && o.msg.t === "accept"));
});

Deno.test("the source is never banned: a download from it dropped for loss leaves its other blocks welcome", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 2, "up", []); // the source uploads club 2 (a thin club)
  connectFrom(p, 0, "src", 0, "up", []); // and club 0
  drain(p, 0);
  const src2 = new Upstream("src", 2);
  let i = 0;
  while (p.downs.has("2|src") && i < 40) src2.send(p, 20 * i + 50, club2(i), 2 * ++i);
  assertEquals(p.stats.dropped.loss, 1, "the lossy link is dropped");
  assert(!p.bans.has("src"), "but the source is not banned");
  const before = p.stats.unsolicited;
  new Upstream("src", 0).send(p, 2000, { ...BLOCK, seq: 900, srcTime: 1900 });
  assertEquals(p.stats.unsolicited, before, "its blocks on club 0 are still taken");
});

Deno.test("a forged block from the source's address (spoofed) is counted, and the source kept", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 0, "up", []);
  drain(p, 0);
  const forged = { ...BLOCK, seq: 3, payload: new Uint8Array(BLOCK.payload.length).fill(7) };
  const { auth } = new Feed().batch(12, 0);
  const src = new Upstream("src", 0);
  src.send(p, 10, forged);
  src.send(p, 11, auth);
  assert(p.stats.forged >= 1, "the forgery is counted");
  assert(!p.bans.has("src"));
  assert(p.downs.has("0|src"), "the download from the source stays");
});

Deno.test("[0054] an upload that went silent while its downstream talks on another is dropped, not banned (its drop was lost)", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "d", 0, "down", [0, 1]);
  connectFrom(p, 0, "d", 1, "down", [0, 1]);
  drain(p, 0);
  const end = p.cfg.keepaliveTimeoutMs + 200;
  for (let t = 50; t <= end; t += 50) {
    if (t % p.cfg.keepaliveMs === 0) {
      p.handleMessage(t, "d", { t: "keepalive", club: 1, lead: true, cookie: 0, offers: false });
    }
    p.handleTimeout(t);
  }
  assert(!p.ups.has("0|d"), "the silent connection is dropped");
  assert(p.ups.has("1|d"));
  assert(!p.bans.has("d"), "d is alive: not banned");
});

Deno.test("the source bans nobody for silence", () => {
  const s = new PeerCore(0, {
    self: "src",
    role: "source",
    clubs: 3,
    myClubs: [],
    suite: null,
    rng: new Rng(1),
    config: { stallMs: Infinity },
  });
  connectFrom(s, 0, "q", 2, "down", [2, 0]);
  drain(s, 0);
  for (let t = 50; t <= s.cfg.keepaliveTimeoutMs + 200; t += 50) s.handleTimeout(t);
  assert(!s.ups.has("2|q"), "dropped");
  assert(!s.bans.has("q"), "not banned");
});
