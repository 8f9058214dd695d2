/**
 * Loss repair in the peer core (docs/protocol.md, "Loss repair"): a block lost on the only
 * link into another club is asked for with "want" and arrives before it is due to play;
 * wants from an address with no connection are ignored; repairs served are rate-limited.
 */
import { assert, assertEquals } from "../testing.ts";
import { PeerCore } from "./peer.ts";
import { Rng } from "../rand.ts";
import type { Block, BlockMsg } from "../wire/messages.ts";
import type { PeerConfig } from "./config.ts";
import {
  connectFrom,
  deliver,
  drain,
  dropFrom,
  Feed,
  haves,
  makePeer,
  makeSwarm,
  missingEight,
  type Out,
  stream,
  SUITE,
  Upstream,
  wants,
} from "./test_harness.ts";

Deno.test("a block lost on the only link into another club is asked for with want, from that club's upstream", () => {
  // x's counter skips (the datagram was lost on the link) or not (x never had the block).
  for (const counterGap of [true, false]) {
    const { p, data } = missingEight(counterGap);
    const grace = p.cfg.repairGraceMs;
    let t = 50, asked: string[] = [];
    for (; asked.length === 0 && t < 2000; t += 50) {
      p.handleTimeout(t);
      asked = wants(drain(p, t));
    }
    assertEquals(asked, ["8>x"]);
    assert(t <= 10 + grace + 100, `asked at ${t}, before the block is due`);
    if (!counterGap) assert(t >= 10 + grace, "a mere hole in the numbers waits out the grace");
    p.handleMessage(t, "x", { t: "block", club: 2, hop: 0, n: 0, repair: true, block: data[8] });
    const ready: number[] = [];
    for (let e = p.pollEvent(); e; e = p.pollEvent()) if (e.type === "ready") ready.push(e.seq);
    assert(ready.includes(8));
    for (t += 50; t < 3000; t += 50) {
      p.handleTimeout(t);
      // (The peer's own club 1 was never fed: the overdue sweep asks for those.)
      const again = wants(drain(p, t)).filter((w) => w.split(">")[0].split(",").includes("8"));
      assertEquals(again, [], "not asked again once it came");
    }
  }
});

Deno.test("a block lost on the only link into another club is repaired and played, not skipped (swarm)", () => {
  const { net, source, peers } = makeSwarm({ peers: 12, clubs: 4, seed: 7 });
  const p = peers[0];
  const other = [0, 1, 2, 3].find((c) => !p.myClubs.has(c))!;
  const lost = new Set<number>();
  net.drop = (d) => {
    const m = d.msg;
    if (d.to !== p.self || m.t !== "block" || m.repair || m.block.kind !== "data") return false;
    if (m.block.seq % 4 !== other || d.at < 2000 || d.at >= 2300) return false;
    lost.add(m.block.seq);
    return true;
  };
  stream(net, source, 6500);
  assert(lost.size >= 2, `lost ${[...lost]}`);
  const asked = new Set(
    net.log.flatMap((d) => d.from === p.self && d.msg.t === "want" ? d.msg.seqs : []),
  );
  const played = new Set<number>(), skipped = new Set<number>();
  for (const e of net.events.get(p.self)!) {
    if (e.type !== "playback") continue;
    if (e.event.type === "play") played.add(e.event.seq);
    if (e.event.type === "skip") skipped.add(e.event.seq);
  }
  for (const s of lost) {
    assert(asked.has(s), `want for ${s}`);
    assert(played.has(s) && !skipped.has(s), `lost block ${s} played in time`);
  }
});

/** A peer holding club 0's blocks of seqs 0..185 (of 3 clubs), with d downloading club 0 from it. */
function holder(): PeerCore {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 0, "up", []);
  const src = new Upstream("src", 0);
  const feed = new Feed();
  for (let i = 0; i < 6; i++) deliver(p, 0, Object.values(feed.batch(30, 0)).flat(), [src]);
  connectFrom(p, 5, "d", 0, "down", [0, 2]);
  drain(p, 5);
  return p;
}

function repairs(out: readonly Out[]): number[] {
  return out.flatMap(({ msg }) => msg.t === "block" && msg.repair ? [msg.block.seq] : []);
}

Deno.test("a want from an address with no connection is ignored (no amplification)", () => {
  const p = holder();
  p.handleMessage(10, "stranger", { t: "want", seqs: [0, 3, 6] });
  assertEquals(drain(p, 10), []);
  assertEquals(p.stats.repairServed, 0);
  p.handleMessage(10, "d", { t: "want", seqs: [0, 3, 6] });
  assertEquals(repairs(drain(p, 10)), [0, 3, 6]);
});

Deno.test("repairs served are rate-limited", () => {
  const p = holder();
  const held = Array.from({ length: 300 }, (_, s) => s).filter((s) => p.store.has(s));
  const perSec = p.cfg.repairServePerSec;
  assert(held.length > perSec, "the test asks for more than the bucket holds");
  for (let i = 0; i < held.length; i += 16) {
    p.handleMessage(10, "d", { t: "want", seqs: held.slice(i, i + 16) });
  }
  assertEquals(repairs(drain(p, 10)).length, perSec);
  p.handleMessage(260, "d", { t: "want", seqs: held.slice(0, 16) });
  assertEquals(repairs(drain(p, 260)).length, Math.floor(perSec / 4), "refilled at the rate");
});

Deno.test("a repair that came from elsewhere first is cancelled: a have to the holder asked", () => {
  const { p, data } = missingEight(true);
  let t = 50;
  for (; t < 1000 && !wants(drain(p, t)).includes("8>x"); t += 50) p.handleTimeout(t);
  assert(t < 1000, "8 was asked of x");
  p.handleMessage(t, "src", { t: "block", club: 2, hop: 0, n: 0, repair: true, block: data[8] });
  assertEquals(haves(drain(p, t)), ["2:8>x"]);
});

Deno.test("another club's block that came by repair is named in a have to that club's download", () => {
  for (const repairedHave of [true, false]) {
    const p = makePeer({ myClubs: [0, 1], config: { repairedHave } });
    connectFrom(p, 0, "src", 0, "up", []);
    connectFrom(p, 0, "x", 2, "up", [2, 0]);
    connectFrom(p, 0, "a", 0, "up", [0, 1]);
    drain(p, 0);
    const { data } = new Feed().batch(12, 0);
    p.handleMessage(10, "a", { t: "block", club: 2, hop: 0, n: 0, repair: true, block: data[8] });
    assertEquals(haves(drain(p, 10)), repairedHave ? ["2:8>x"] : []);
  }
});

Deno.test("a holder drops a queued repair once the asker says it has the block", () => {
  const p = holder();
  p.handleMessage(10, "d", { t: "want", seqs: [0, 3, 6] });
  p.handleMessage(11, "d", { t: "have", club: 0, seqs: [3], list: false });
  assertEquals(repairs(drain(p, 12)), [0, 6]);
});

/**
 * A joiner in clubs 0 and 1 (of 3), waiting for an entry point, with one upstream per club;
 * it gets a live batch, then each link's history (an older batch), oldest first, without the
 * `missing` blocks. Returns the first block of the history after which it asked for each
 * missing one (by "want", as that block came).
 */
function joinerWithHistory(missing: number[], config: Partial<PeerConfig> = {}, acceptMs = -1) {
  const p = new PeerCore(0, {
    self: "me",
    role: "peer",
    clubs: 3,
    myClubs: [0, 1],
    rng: new Rng(1),
    suite: SUITE,
    source: "src",
    config: { thinFromSource: false, stallMs: Infinity, ...config },
    // Block 0 is the only keyframe: the start must be at 0, with the second after it whole.
    playback: { entry: (a) => a[0] === 0, entryWaitMs: 60_000 },
  });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "y", 1, "up", [1, 0]);
  connectFrom(p, 0, "x", 2, "up", [2, 0]);
  drain(p, 0);
  if (acceptMs >= 0) p.connectWait.answered(acceptMs); // as its own requests' accepts took
  const links = [new Upstream("src", 0), new Upstream("y", 1), new Upstream("x", 2)];
  const feed = new Feed();
  const old = feed.batch(12, 0), live = feed.batch(12, 1200);
  deliver(p, 10, [...live.data, live.auth], links);
  drain(p, 10);
  const askedAfter = new Map<number, number>();
  for (const b of [...old.data, old.auth]) {
    if (missing.includes(b.seq)) continue;
    const link = links[b.seq % 3];
    p.handleMessage(20, link.addr, history(link.club, b));
    for (const o of drain(p, 20)) {
      if (o.msg.t !== "want") continue;
      for (const s of o.msg.seqs) if (!askedAfter.has(s)) askedAfter.set(s, b.seq);
    }
  }
  return { p, old, askedAfter };
}

/** A block sent outside the counter: history, catch-up or repair. */
function history(club: number, block: Block): BlockMsg {
  return { t: "block", club, hop: 0, n: 0, repair: true, block };
}

/** The first housekeeping round, from `from` on every 50 ms, at which `p` asks for `seq`. */
function askedAt(p: PeerCore, seq: number, from: number): number | undefined {
  for (let t = from; t <= from + 1000; t += 50) {
    p.handleTimeout(t);
    if (drain(p, t).some((o) => o.msg.t === "want" && o.msg.seqs.includes(seq))) return t;
  }
  return undefined;
}

Deno.test("a joiner waiting for an entry point asks at once for a hole in its history, and starts when it comes", () => {
  // x's history goes 2, 8: 5 was lost, and is asked for as 8 comes, not at the next round
  // nor after the entry sweep's wait (`entryOverdueMs`, 400 ms) or the grace. 11, x's last,
  // shows no later block: the entry sweep asks for it, below the first block that came.
  const { p, old, askedAfter } = joinerWithHistory([5, 11]);
  assertEquals(askedAfter.get(5), 8, "5 asked for when 8 came");
  const sweptAt = askedAt(p, 11, 50);
  assert(sweptAt! <= 20 + p.cfg.entryOverdueMs + 100, `asked for 11 at ${sweptAt}`);
  p.handleMessage(sweptAt!, "x", history(2, old.data[11]));
  assert(p.playback!.awaitingEntry, "no start without block 5");
  while (p.pollEvent());
  p.handleMessage(sweptAt!, "x", history(2, old.data[5]));
  // The start comes with the block that completes it, not at the next round.
  const starts: number[] = [];
  for (let e = p.pollEvent(); e; e = p.pollEvent()) {
    if (e.type === "playback" && e.event.type === "start") starts.push(e.event.seq);
  }
  assertEquals(starts, [0], "it starts at the keyframe, in its history");
});

Deno.test("a joiner asks again for a lost repair after the time its accepts took, not the usual wait", () => {
  const config = { repairRetryMs: 300, connectRttFactor: 4, connectTimeoutMinMs: 100 };
  // Accepts took 10 ms: the wait is its floor, 100 ms.
  const { p, askedAfter } = joinerWithHistory([5], config, 10);
  assertEquals(askedAfter.get(5), 8);
  const again = askedAt(p, 5, 50);
  assert(again! >= 20 + 100 && again! <= 20 + 150, `asked again at ${again}`);
  // Without an estimate from accepts (factor 0), the usual wait.
  const late = joinerWithHistory([5], { ...config, connectRttFactor: 0 }, 10);
  assertEquals(askedAt(late.p, 5, 50), 350);
});

/**
 * A peer in clubs 0 and 1 (of 3) with two in-club upstreams in club 0, a (its lead) and b,
 * and the source on club 1 (the batch's other blocks and its signature). a sends 0, 3 and 9
 * but not 6; with `counterGap` a's counter skips one before 9 (6 was lost on the link).
 */
function leadMissesSix(counterGap: boolean) {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 1, "up", []);
  // b first: the lead is asked first because it is the lead, not by table order.
  connectFrom(p, 0, "b", 0, "up", [0, 2]);
  connectFrom(p, 0, "a", 0, "up", [0, 2]);
  drain(p, 0);
  for (const d of p.downs.values()) d.lead = d.remote === "a";
  const src = new Upstream("src", 1), a = new Upstream("a", 0);
  const { data, auth } = new Feed().batch(13, 0); // its signature, 13, is of club 1
  deliver(p, 10, [...data.filter((b) => b.seq % 3 !== 0), auth], [src]);
  for (const s of [0, 3, 9]) a.send(p, 10, data[s], a.n + (s === 9 && counterGap ? 2 : 1));
  return p;
}

Deno.test("a block lost on the in-club lead's link is asked of the lead at once; a mere hole waits out the grace", () => {
  for (const counterGap of [true, false]) {
    const p = leadMissesSix(counterGap);
    let t = 50, asked: string[] = [];
    // (Club 2, which nobody feeds here, is asked for too: only 6's ask is looked at.)
    const ofSix = (w: string) => w.split(">")[0].split(",").includes("6");
    for (; asked.length === 0 && t < 2000; t += 50) {
      p.handleTimeout(t);
      asked = wants(drain(p, t)).filter(ofSix);
    }
    const grace = p.cfg.repairGraceMs;
    if (counterGap) {
      assertEquals(asked.map((w) => w.split(">")[1]), ["a"], "the lead sent it: it holds it");
      assert(t < 10 + grace, `asked at ${t}: a lost block waits no grace`);
    } else {
      assertEquals(asked.length, 1);
      assert(t >= 10 + grace, `asked at ${t}: a mere hole waits out the grace`);
    }
  }
});

/**
 * A peer in clubs 0 and 1 (of 3) fed club 0 by the source; with `link`, x uploads club 2 to
 * it (out of club) and sends 2 and then the signature block 11 (club 2), which went ahead of
 * 5 and 8 in x's queue; without, 11 comes over the peer's own club's mesh. 5 and 8 never
 * come. Returns when each seq was first asked for.
 */
function authShowsHoles(
  link: boolean,
  config: Partial<PeerConfig> = {},
  linkDropsAt = Infinity,
): Map<number, number> {
  const p = makePeer({ myClubs: [0, 1], config });
  connectFrom(p, 0, "src", 0, "up", []);
  if (link) connectFrom(p, 0, "x", 2, "up", [2, 0]);
  drain(p, 0);
  const src = new Upstream("src", 0), x = new Upstream("x", 2);
  const { data, auth } = new Feed().batch(11, 0);
  deliver(p, 10, data.filter((b) => b.seq % 3 === 0), [src]);
  if (link) {
    x.send(p, 10, data[2]);
    x.send(p, 10, auth);
  } else {
    // Block 2 came as a repair (its club's top is then 2), the signature over the mesh.
    p.handleMessage(10, "src", { t: "block", club: 2, hop: 0, n: 0, repair: true, block: data[2] });
    src.send(p, 10, auth);
  }
  const asked = new Map<number, number>();
  for (let t = 50; t < 1500; t += 10) {
    if (t === linkDropsAt) dropFrom(p, t, "x", 2, "up");
    p.handleTimeout(t);
    for (const w of wants(drain(p, t))) {
      for (const s of w.split(">")[0].split(",").map(Number)) if (!asked.has(s)) asked.set(s, t);
    }
  }
  return asked;
}

Deno.test("holes a signature block shows are asked later while a link brings their club in order", () => {
  const p = makePeer({ myClubs: [0, 1] });
  // Club 2 is not the peer's: its link is the out-of-club download, whose lateness is its own.
  const { repairGraceMs: grace, authHoleLateOutMs: late } = p.cfg;
  assert(late > 0);
  const asked = authShowsHoles(true);
  for (const s of [5, 8]) {
    const at = asked.get(s);
    assert(at !== undefined && at >= 10 + grace + late, `${s} asked at ${at}`);
    assert(at < 10 + grace + late + 100, `${s} asked at ${at}`);
  }
});

Deno.test("another club's holes wait authHoleLateOutMs, not the own clubs' authHoleLateMs", () => {
  const grace = makePeer({ myClubs: [0, 1] }).cfg.repairGraceMs;
  const asked = authShowsHoles(true, { authHoleLateMs: 300, authHoleLateOutMs: 0 });
  for (const s of [5, 8]) {
    const at = asked.get(s);
    assert(at !== undefined && at >= 10 + grace && at < 10 + grace + 100, `${s} asked at ${at}`);
  }
});

Deno.test("once their link is gone, another club's holes wait no longer than the own clubs'", () => {
  const { repairGraceMs: grace, authHoleLateMs: late } = makePeer({ myClubs: [0, 1] }).cfg;
  const asked = authShowsHoles(true, {}, 100);
  for (const s of [5, 8]) {
    const at = asked.get(s);
    assert(at !== undefined && at >= 10 + grace + late, `${s} asked at ${at}`);
    assert(at < 10 + grace + late + 100, `${s} asked at ${at}`);
  }
});

Deno.test("with no link into their club, holes a signature block shows wait only the grace", () => {
  const grace = makePeer({ myClubs: [0, 1] }).cfg.repairGraceMs;
  const asked = authShowsHoles(false);
  for (const s of [5, 8]) {
    const at = asked.get(s);
    assert(at !== undefined && at >= 10 + grace && at < 10 + grace + 100, `${s} asked at ${at}`);
  }
});

/**
 * A peer in clubs 0 and 1 (of 3) fed a batch every 100 ms, club 2 by x until `silentAt`;
 * returns how long after its source time the first club-2 block x did not send was asked for
 * (undefined: none was).
 */
function orphanAsk(config: Partial<PeerConfig>, silentAt: number): number | undefined {
  const p = makePeer({ myClubs: [0, 1], config });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "y", 1, "up", []);
  connectFrom(p, 0, "x", 2, "up", [2, 0]);
  drain(p, 0);
  const links = [new Upstream("src", 0), new Upstream("y", 1), new Upstream("x", 2)];
  const feed = new Feed();
  const made = new Map<number, number>();
  for (let t = 0; t <= 4000; t += 50) {
    if (t % 100 === 0) {
      const { data, auth } = feed.batch(3, t);
      for (const b of [...data, auth]) made.set(b.seq, t);
      deliver(p, t, [...data, auth].filter((b) => t < silentAt || b.seq % 3 !== 2), links);
    }
    p.handleTimeout(t);
    for (const { msg } of drain(p, t)) {
      if (msg.t !== "want") continue;
      const seq = Math.min(...msg.seqs.filter((s) => s % 3 === 2 && made.get(s)! >= silentAt));
      if (Number.isFinite(seq)) return t - made.get(seq)!;
    }
  }
  return undefined;
}

Deno.test("a club no download brings is swept sooner than the others (orphanOverdueMs)", () => {
  const { orphanOverdueMs, orphanIdleMs, repairOverdueMs } = makePeer({ myClubs: [0] }).cfg;
  assert(orphanOverdueMs > 0 && orphanOverdueMs + orphanIdleMs <= repairOverdueMs);
  const on = orphanAsk({}, 1000), off = orphanAsk({ orphanOverdueMs: 0 }, 1000);
  assert(on !== undefined && on >= orphanOverdueMs, `asked ${on} ms after it was made`);
  assert(on < repairOverdueMs, `asked ${on} ms after it was made, not sooner than the sweep`);
  assert(off !== undefined && off >= repairOverdueMs, `without it asked ${off} ms after`);
  assertEquals(orphanAsk({}, Infinity), undefined, "x delivers: nothing of club 2 asked");
});
