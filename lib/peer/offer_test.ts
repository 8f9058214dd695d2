/**
 * Offers (offer.ts): a non-lead in-club upstream offers its held data blocks instead of
 * sending them, serves the ones wanted outside the repair budget, and a downstream asks at
 * once for an offered block it lacks, never for one it has.
 */
import { assert, assertEquals } from "../testing.ts";
import type { PeerCore } from "./peer.ts";
import type { PeerConfig } from "./config.ts";
import { connectFrom, drain, Feed, makePeer, type Out, Upstream, wants } from "./test_harness.ts";

/** Offers on, of data and signature blocks (both off by default). */
const ON: Partial<PeerConfig> = { offerHoldMs: 200, offerSignatures: true };

/** The seqs offered in `out`, as "seq>to". */
function offers(out: readonly Out[]): string[] {
  return out.flatMap(({ to, msg }) => msg.t === "offer" ? msg.seqs.map((s) => `${s}>${to}`) : []);
}

/** The data blocks in `out`, as "seq>to" (with "r" for a repair). */
function blocks(out: readonly Out[]): string[] {
  return out.flatMap(({ to, msg }) =>
    msg.t === "block" && msg.block.kind === "data"
      ? [`${msg.block.seq}${msg.repair ? "r" : ""}>${to}`]
      : []
  );
}

/** Whom the wants in `out` ask for `seq`. */
function askedFor(out: readonly Out[], seq: number): string[] {
  return out.flatMap(({ to, msg }) => msg.t === "want" && msg.seqs.includes(seq) ? [to] : []);
}

/**
 * An upstream peer in clubs 0 and 1 (of 3), fed club 0 by the source, with in-club
 * downstreams "d" (not its lead) and "e" (its lead), whose keep-alives say whether they take
 * offers; a batch of 30 whose signature came at 100.
 */
function upstream(config: Partial<PeerConfig> = ON, takeOffers = true) {
  const p = makePeer({ myClubs: [0, 1], config });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "d", 0, "down", [0, 2]);
  connectFrom(p, 0, "e", 0, "down", [0, 2]);
  drain(p, 0);
  const src = new Upstream("src", 0);
  const feed = new Feed();
  const { data, auth } = feed.batch(30, 100);
  src.send(p, 100, auth);
  const offers = takeOffers;
  p.handleMessage(100, "d", { t: "keepalive", club: 0, lead: false, cookie: 0, offers });
  p.handleMessage(100, "e", { t: "keepalive", club: 0, lead: true, cookie: 0, offers });
  drain(p, 100);
  return { p, src, data, feed };
}

Deno.test("offers: a non-lead gets an offer of a held block after offerHoldMs, the lead the block at once", () => {
  const { p, src, data } = upstream();
  const hold = p.cfg.offerHoldMs;
  src.send(p, 200, data[3]);
  assertEquals(blocks(drain(p, 200)), ["3>e"], "the lead's copy goes at once");
  assertEquals(offers(drain(p, 200 + hold - 1)), []);
  p.handleTimeout(200 + hold);
  const out = drain(p, 200 + hold);
  assertEquals(offers(out), ["3>d"]);
  assertEquals(blocks(out), [], "the block itself is not sent");
  assertEquals(p.stats.offered, 1);
  // A "have" within the hold spares the offer too.
  src.send(p, 500, data[6]);
  drain(p, 500);
  p.handleMessage(550, "d", { t: "have", club: 0, seqs: [6], list: false });
  p.handleTimeout(500 + hold);
  assertEquals(offers(drain(p, 500 + hold)), []);
});

Deno.test("offers: a downstream that takes none gets the held block itself, after its hold", () => {
  const { p, src, data } = upstream(ON, false);
  src.send(p, 200, data[3]);
  assertEquals(blocks(drain(p, 200)), ["3>e"]);
  const out: Out[] = [];
  for (let t = 250; t <= 200 + p.cfg.holdMaxMs; t += 50) {
    p.handleTimeout(t);
    out.push(...drain(p, t));
  }
  assertEquals(offers(out), []);
  assertEquals(blocks(out), ["3>d"]);
  // It says it takes them again: the next held block is offered.
  p.handleMessage(600, "d", { t: "keepalive", club: 0, lead: false, cookie: 0, offers: true });
  src.send(p, 600, data[6]);
  drain(p, 600);
  p.handleTimeout(600 + p.cfg.offerHoldMs);
  assertEquals(offers(drain(p, 600 + p.cfg.offerHoldMs)), ["6>d"]);
});

Deno.test("offers: another club's signature block is offered on this club's mesh, to the lead too", () => {
  const { p, src, feed } = upstream();
  const { data, auth } = feed.batch(1, 400); // data 31 (club 1), signature 32 (club 2)
  assertEquals([data[0].seq % 3, auth.seq % 3], [1, 2]);
  src.send(p, 400, auth);
  const out: Out[] = drain(p, 400);
  for (let t = 450; t <= 400 + p.cfg.authHoldCapMs; t += 50) {
    p.handleTimeout(t);
    out.push(...drain(p, t));
  }
  assertEquals(offers(out).sort(), ["32>d", "32>e"]);
  assertEquals(out.filter(({ msg }) => msg.t === "block"), [], "not sent as a block");
  // Asked for, it is served once outside the repair budget, as a repair.
  p.handleMessage(1300, "e", { t: "want", seqs: [32] });
  const sent = drain(p, 1300).flatMap(({ to, msg }) =>
    msg.t === "block" ? [`${msg.block.seq}${msg.repair ? "r" : ""}>${to}`] : []
  );
  assertEquals(sent, ["32r>e"]);
  assertEquals(p.stats.offerServed, 1);
});

Deno.test("offers: of data blocks by default, not of signature backups; none with offerHoldMs 0", () => {
  const off = upstream({ offerHoldMs: 0 });
  off.src.send(off.p, 200, off.data[3]);
  const out: Out[] = drain(off.p, 200);
  off.p.handleTimeout(200 + off.p.cfg.holdMaxMs);
  out.push(...drain(off.p, 200 + off.p.cfg.holdMaxMs));
  assertEquals(offers(out), []);
  assertEquals(blocks(out).sort(), ["3>d", "3>e"]);
  const data = upstream({});
  data.src.send(data.p, 200, data.data[3]);
  drain(data.p, 200);
  data.p.handleTimeout(200 + data.p.cfg.offerHoldMs);
  assertEquals(offers(drain(data.p, 200 + data.p.cfg.offerHoldMs)), ["3>d"]);
  const { auth } = data.feed.batch(1, 400); // another club's signature block
  data.src.send(data.p, 400, auth);
  const sent: Out[] = drain(data.p, 400);
  for (let t = 450; t <= 400 + data.p.cfg.authHoldCapMs; t += 50) {
    data.p.handleTimeout(t);
    sent.push(...drain(data.p, t));
  }
  assertEquals(offers(sent), []);
  const auths = sent.flatMap(({ to, msg }) => msg.t === "block" ? [`${msg.block.seq}>${to}`] : []);
  assertEquals(auths.sort(), ["32>d", "32>e"]);
});

Deno.test("offers: a want for an offered block is served at once, beyond the repair budget", () => {
  const { p, src, data } = upstream();
  const seqs = Array.from({ length: 10 }, (_, k) => 3 * k);
  for (const s of seqs) src.send(p, 200, data[s]);
  p.handleTimeout(200 + p.cfg.offerHoldMs);
  assertEquals(offers(drain(p, 200 + p.cfg.offerHoldMs)).length, seqs.length);
  const t = 500;
  // The repair budget is spent (by another downstream's wants) ...
  const budget = p.cfg.repairServePerSec;
  for (let k = 0; k < budget; k++) p.handleMessage(t, "e", { t: "want", seqs: [seqs[k % 10]] });
  drain(p, t);
  // ... yet d's wants of what it was offered are answered, as blocks outside its counter.
  p.handleMessage(t, "d", { t: "want", seqs });
  assertEquals(blocks(drain(p, t)), seqs.map((s) => `${s}r>d`));
  assertEquals(p.stats.offerServed, seqs.length);
  // A want of a block never offered to d still waits for the budget.
  src.send(p, t, data[0 + 30 - 3]);
  p.handleMessage(t, "d", { t: "want", seqs: [27] });
  assertEquals(blocks(drain(p, t)).filter((b) => b.endsWith(">d")), []);
});

/** A downstream in clubs 0 and 1 (of 3) downloading club 0 from "a" (its lead) and "b". */
function downstream(): { p: PeerCore; a: Upstream; data: ReturnType<Feed["batch"]>["data"] } {
  const p = makePeer({ myClubs: [0, 1], config: ON });
  connectFrom(p, 0, "a", 0, "up", [0, 2]);
  connectFrom(p, 0, "b", 0, "up", [0, 2]);
  drain(p, 0);
  const a = new Upstream("a", 0);
  const { data, auth } = new Feed().batch(30, 0);
  a.send(p, 5, data[0]); // the floor: from here on
  a.send(p, 10, auth);
  drain(p, 10);
  return { p, a, data };
}

Deno.test("offers: a downstream asks at once for an offered block it lacks, never for one it has", () => {
  const { p, a, data } = downstream();
  a.send(p, 20, data[3]);
  drain(p, 20);
  p.handleMessage(30, "b", { t: "offer", club: 0, seqs: [3, 6] });
  assertEquals(wants(drain(p, 30)), ["6>b"]);
  assertEquals(p.stats.offerWanted, 1);
  // Asked once: a second offer of it, or the repair round, asks nobody again meanwhile.
  p.handleMessage(40, "b", { t: "offer", club: 0, seqs: [6] });
  p.handleTimeout(40 + p.cfg.repairGraceMs);
  assertEquals(askedFor(drain(p, 40 + p.cfg.repairGraceMs), 6), []);
  // If it does not come, the usual repair asks again once `repairRetryMs` passed.
  let asked: string[] = [];
  let t = 600;
  for (; t <= 30 + p.cfg.repairRetryMs + 100 && asked.length === 0; t += 50) {
    p.handleTimeout(t);
    asked = askedFor(drain(p, t), 6);
  }
  assertEquals(asked.length, 1, "asked again after the retry time");
  assert(t - 50 >= 30 + p.cfg.repairRetryMs, "not before it");
});

Deno.test("offers: one from a peer with no in-club download of the club is dropped and counted", () => {
  const { p } = downstream();
  const before = p.stats.unsolicited;
  p.handleMessage(30, "stranger", { t: "offer", club: 0, seqs: [6] });
  p.handleMessage(30, "a", { t: "offer", club: 1, seqs: [7] }); // no download of club 1 from a
  assertEquals(wants(drain(p, 30)), []);
  assertEquals(p.stats.unsolicited, before + 2);
  // Another club's seqs are asked too (a signature block's backup), far ones not at all.
  p.handleMessage(40, "b", { t: "offer", club: 0, seqs: [8, 1e9] });
  assertEquals(wants(drain(p, 40)), ["8>b"]);
});

Deno.test("offers: a non-lead whose offers come before the lead's copies becomes the lead", () => {
  const p = makePeer({
    myClubs: [0, 1],
    config: { ...ON, leadEveryMs: 2000, keepaliveMs: 1000 },
  });
  connectFrom(p, 0, "a", 0, "up", [0, 2]);
  connectFrom(p, 0, "b", 0, "up", [0, 2]);
  drain(p, 0);
  p.handleTimeout(0);
  const leadOf = (out: readonly Out[]) =>
    out.flatMap(({ to, msg }) => msg.t === "keepalive" && msg.club === 0 && msg.lead ? [to] : []);
  const [lead] = leadOf(drain(p, 0));
  const other = lead === "a" ? "b" : "a";
  const up = new Upstream(lead, 0);
  const block = new Feed().batch(1, 0).data[0];
  for (let i = 0; i < 20; i++) {
    const b = { ...block, seq: 3 * (i + 1), srcTime: 100 + 50 * i };
    p.handleMessage(100 + 50 * i, other, { t: "offer", club: 0, seqs: [b.seq] });
    up.send(p, 130 + 50 * i, b);
    p.handleTimeout(140 + 50 * i);
  }
  drain(p, 1300);
  p.handleTimeout(2000);
  assertEquals(leadOf(drain(p, 2000)), [other]);
});

/** What the keep-alives in `out` say of offers, as "to:offers", each once, sorted. */
function keepaliveOffers(out: readonly Out[]): string[] {
  const said = out.flatMap(({ to, msg }) => msg.t === "keepalive" ? [`${to}:${msg.offers}`] : []);
  return [...new Set(said)].sort();
}

Deno.test("offers: a downstream whose downloads lose datagrams says in its keep-alives it takes none", () => {
  const { p, a, data } = downstream();
  const every = p.cfg.keepaliveMs;
  p.handleTimeout(every + 10);
  assertEquals(keepaliveOffers(drain(p, every + 10)), ["a:true", "b:true"]);
  // Two datagrams lost before each of two live blocks: the gauge counts four.
  a.send(p, every + 11, data[3], a.n + 3);
  a.send(p, every + 12, data[6], a.n + 3);
  drain(p, every + 20);
  const four = 1 - (1 - p.lossGauge.weight) ** 4;
  assert(
    Math.abs(p.lossGauge.rate - four * (1 - p.lossGauge.weight) ** 2) < 1e-4,
    `${p.lossGauge.rate}`,
  );
  // Forty more: some 4 % lost lately, above `offerMaxLoss`.
  p.lossGauge.note(40);
  assert(p.lossGauge.rate > p.cfg.offerMaxLoss, `${p.lossGauge.rate}`);
  p.handleTimeout(2 * every + 20);
  assertEquals(keepaliveOffers(drain(p, 2 * every + 20)), ["a:false", "b:false"]);
  // Once the losses are forgotten (some thousand datagrams later), it takes them again.
  for (let i = 0; i < 2000; i++) p.lossGauge.note(0);
  p.handleTimeout(3 * every + 30);
  assertEquals(keepaliveOffers(drain(p, 3 * every + 30)), ["a:true", "b:true"]);
});
