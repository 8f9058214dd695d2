/**
 * Relaying (patent [0046]-[0050]): a verified block of one of this peer's clubs goes to every
 * upload connection of that club, except the peer it came from and downstreams that said
 * "have" (in-club [0047], or out of club for a block they got by repair: `sendRepairedHave`);
 * blocks of other clubs are never relayed. A new downstream first gets what it
 * lacks (its bitfield), or recent history when it has nothing yet.
 */
import { decodeBitfield, makeBitfield } from "../bitfield/bitfield.ts";
import { MAX_DATAGRAM, MAX_SEQS } from "../wire/budget.ts";
import type { Addr, Bitfield, Block, BlockMsg, Msg } from "../wire/messages.ts";
import type { DownConn, UpConn } from "./conns.ts";
import type { BlockClass, QueuedBlock } from "./upload_queue.ts";
import type { PeerCore, PeerStats } from "./peer.ts";
import { offerOf, offersBlock } from "./offer.ts";
import { wireCounter } from "./conn_counter.ts";

const WRAP = 2 ** 32;
/** Longest bitfield sent, in bits (one bit per block of the club). */
export const MAX_BITFIELD_BITS = 512;

/** Queues `block` for this peer's downstreams in its club. */
export function relay(p: PeerCore, now: number, block: Block, from: Addr): void {
  const club = block.seq % p.clubs;
  // A signature block travels every in-club mesh a peer is in, not only its own club's:
  // one lost signature would cost its whole batch, so each peer gets it over several paths.
  const everyClub = block.kind === "auth" && p.role === "peer" && p.cfg.authEveryMesh;
  if (!p.isMine(club) && !everyClub) return;
  // A downstream in both of our clubs gets a signature block once [0049]: over the block's
  // own club if possible, so the first pass takes those connections (the club's own list,
  // in table order; walked by index, as this runs for every block relayed).
  const queued = everyClub ? new Set<Addr>() : undefined;
  const own = p.ups.ofClub(club);
  for (let i = 0; i < own.length; i++) {
    const up = own[i];
    if (!up.open || !up.accepted || up.remote === from || queued?.has(up.remote)) continue;
    if (up.haves.has(block.seq)) continue;
    queued?.add(up.remote);
    enqueue(p, now, up, block, club);
  }
  if (!everyClub) return;
  // Then the other clubs' in-club connections, in table order.
  for (const up of p.ups.values()) {
    if (up.club === club || !up.inClub) continue;
    if (!up.open || !up.accepted || up.remote === from || queued!.has(up.remote)) continue;
    if (up.haves.has(block.seq)) continue;
    queued!.add(up.remote);
    enqueue(p, now, up, block, club);
  }
}

/**
 * Queues `block` (of `club`) for one downstream. In-club blocks go at once to a downstream
 * that named us its lead upstream and after a hold (`holdFor`) to the others; a signature
 * block on another club's mesh is a backup path: always held.
 */
function enqueue(p: PeerCore, now: number, up: UpConn, block: Block, club: number): void {
  const push = !up.inClub || p.role === "source" || (up.lead && up.club === club);
  if (!push) {
    const hold = block.kind === "auth" && up.club !== club
      ? authHoldFor(p, now, up, block.srcTime)
      : offersBlock(p, up, block)
      ? p.cfg.offerHoldMs
      : holdFor(p, up);
    p.queue.hold(up, up.remote, block.seq, now, hold);
  } else {
    const cls = block.kind === "auth" ? "auth" : up.inClub ? "in" : "out";
    p.queue.block(cls, up, up.remote, block.seq, now);
  }
}

/** Hold lengths are rounded up to this, so the queue keeps few lanes (upload_queue.ts). */
const HOLD_STEP_MS = 50;

/**
 * How long to hold blocks for a non-lead in-club downstream: `holdMs`, or longer when that
 * downstream's "have"s have been coming later than that (its lead is slower than we are),
 * up to `holdMaxMs`. (Signatures held on another club's mesh get the same hold: measured,
 * learning their own lags made more duplicates, not fewer.)
 */
export function holdFor(p: PeerCore, up: UpConn): number {
  const { holdMs, holdMaxMs } = p.cfg;
  const ms = Math.min(holdMaxMs, Math.max(holdMs, up.haveLags.holdMs));
  return Math.ceil(ms / HOLD_STEP_MS) * HOLD_STEP_MS;
}

/**
 * How long to hold another club's signature block for in-club downstream `up`: as a data
 * block ({@link holdFor}), or longer, up to `authHoldCapMs`, until the block is as old as
 * `authHoldAgeQ` of the signature blocks that came to this peer lately. The downstream gets
 * the block on that club's own download too, and most often first: a copy from here is a
 * backup. Whether it is needed depends on how early this peer got the block, not only on
 * how late the downstream's "have"s come: one that came early would otherwise leave before
 * most downstreams had it by their own paths.
 */
export function authHoldFor(p: PeerCore, now: number, up: UpConn, srcTime: number): number {
  const hold = holdFor(p, up);
  const q = p.authAges?.quantile;
  if (q === undefined) return hold;
  const untilAge = Math.ceil((q - (now - srcTime)) / HOLD_STEP_MS) * HOLD_STEP_MS;
  return Math.min(p.cfg.authHoldCapMs, Math.max(hold, untilAge));
}

/**
 * Notes that non-lead in-club downstream `up` said it has `seq`: if we hold that block (of
 * its club), how long after we got it the "have" came.
 */
export function noteHaveLag(p: PeerCore, now: number, up: UpConn, seq: number): void {
  if (seq % p.clubs !== up.club) return;
  const at = p.store.putAt(seq);
  if (at !== undefined) up.haveLags.add(now - at);
}

/**
 * Tells in-club upstreams (but the sender) that this peer has `seq` [0046]: those of the
 * block's club, or of every club of this peer for a signature block (see {@link relay}).
 * The seqs are gathered per upstream until the peer next sends (have_batch.ts).
 */
export function sendHave(p: PeerCore, seq: number, auth: boolean, from: Addr): void {
  if (auth) {
    for (const d of p.downs.values()) {
      if (d.inClub && d.accepted && d.remote !== from) tellHave(p, d, seq);
    }
    return;
  }
  const downs = p.downs.ofClub(seq % p.clubs);
  for (let i = 0; i < downs.length; i++) {
    const d = downs[i];
    if (d.inClub && d.accepted && d.remote !== from) tellHave(p, d, seq);
  }
}

/**
 * Tells the download of another club's block `seq`, which came by repair, that it need not
 * send it: it came late on that link (a hole waited its grace), so the uploader most often
 * still lacks it, and its live copy would come after the repair, a duplicate. Not the
 * patent's (its "have"s are in-club); an uploader honours it on any connection. `told` was
 * told already (the holder asked, when the repair came from another).
 */
export function sendRepairedHave(p: PeerCore, seq: number, from: Addr, told?: Addr): void {
  const downs = p.downs.ofClub(seq % p.clubs);
  for (let i = 0; i < downs.length; i++) {
    const d = downs[i];
    if (!d.inClub && d.accepted && d.remote !== from && d.remote !== told) tellHave(p, d, seq);
  }
}

/** Gathers `seq` for upstream `d`; a full "have" (MAX_SEQS) is queued at once. */
function tellHave(p: PeerCore, d: DownConn, seq: number): void {
  const full = p.haveBatch.add(d, seq);
  if (full) sendArrivals(p, d, full);
}

/** Queues the "have" of blocks that came (`seqs`) for upstream `d`, while it is still open. */
export function sendArrivals(p: PeerCore, d: DownConn, seqs: number[]): void {
  if (d.open && d.accepted) p.send(d.remote, { t: "have", club: d.club, seqs, list: false });
}

/** How far back from its newest block a peer looks for signature blocks to name (seqs). */
const HOLDING_SCAN_SEQS = 1024;

/**
 * Tells a new in-club upstream `to` of `club` which of the newest blocks it would relay this
 * peer already holds: the club's newest data blocks and the newest signature blocks, up to
 * MAX_SEQS of each, in one "have" each. A "have" is otherwise sent only when a block first
 * comes, so an upstream that joins later, or is behind this peer, relayed every block this
 * peer had before the connection as it got it, each a duplicate (over half of the non-leads' late
 * copies while a swarm forms). A "have" of several seqs is such a list, not news of one
 * arrival: the upstream does not learn a hold from it (`noteHaveLag`).
 */
export function sendHolding(p: PeerCore, to: Addr, club: number): void {
  const data: number[] = [];
  for (const b of p.store.club(club, p.clubs, 0)) {
    if (b.kind === "data") data.push(b.seq);
    if (data.length === MAX_SEQS) break;
  }
  if (data.length > 0) p.send(to, { t: "have", club, seqs: data, list: true });
  const auth: number[] = [];
  const top = p.store.top, end = Math.max(p.store.floor, top - HOLDING_SCAN_SEQS);
  for (let s = top; s >= end && auth.length < MAX_SEQS; s--) {
    if (p.store.get(s)?.kind === "auth") auth.push(s);
  }
  if (auth.length > 0) p.send(to, { t: "have", club, seqs: auth, list: true });
}

/**
 * The bitfield of `club`'s blocks this peer holds, from its playback floor on; null (send
 * me recent history) while playback waits for an entry point, so that every new connection
 * fills in the history the start needs, not only the blocks after the first one it saw.
 */
export function haveBitfield(p: PeerCore, club: number): Bitfield | null {
  if (p.firstSeq === undefined || p.store.top < 0) return null;
  if (p.playback?.awaitingEntry) return null;
  const floor = p.floor();
  const base = floor + ((club - (floor % p.clubs)) % p.clubs + p.clubs) % p.clubs;
  if (base > p.store.top) return null;
  const bits = Math.min(MAX_BITFIELD_BITS, Math.floor((p.store.top - base) / p.clubs) + 1);
  return makeBitfield(p.isSeen, base, p.clubs, bits);
}

/** Queues what a new downstream lacks: per its bitfield, or recent history. */
export function catchUp(p: PeerCore, now: number, up: UpConn, have: Bitfield | null): void {
  const picked: Block[] = [];
  if (have === null) {
    const newest = p.store.get(p.store.top);
    if (!newest) return;
    const cutoff = newest.srcTime - p.cfg.joinHistoryMs;
    for (const b of p.store.club(up.club, p.clubs, 0)) {
      if (b.srcTime < cutoff) break;
      picked.push(b);
    }
  } else {
    const held = decodeBitfield(have, p.clubs, MAX_BITFIELD_BITS);
    if ("error" in held) return;
    for (const b of p.store.club(up.club, p.clubs, have.base)) {
      if (!held.has(b.seq)) picked.push(b);
    }
  }
  // A replacement connection's few missing blocks are as urgent as live ones; a joiner's
  // history is a burst that must not delay anybody's live blocks, and is paced if so set.
  if (have === null && p.cfg.catchUpPace > 0) {
    p.catchUps.add(up, picked.map((b) => b.seq).reverse());
    return;
  }
  const cls = have === null ? "bulk" : "out";
  for (let i = picked.length - 1; i >= 0; i--) queueCatchUp(p, now, up, picked[i].seq, cls);
}

function queueCatchUp(p: PeerCore, now: number, up: UpConn, seq: number, cls: "bulk" | "out") {
  p.queue.block(cls, up, up.remote, seq, now, true);
}

/** Stream rate the pace assumes before the first signature block tells the real one. */
const PACE_DEFAULT_BPS = 2_000_000;

/** The most housekeeping ticks' worth of history one feed sends (after a stall, say). */
const FEED_MAX_TICKS = 4;

/**
 * The paced histories' share since the last housekeeping round (catch_up.ts): by the time
 * that passed, not per round, since a busy machine runs rounds late and the history, which
 * a joiner waits for before it can play, would slow down with them.
 */
export function feedCatchUps(p: PeerCore, now: number): void {
  const ms = Math.min(now - p.catchUpFedAt, FEED_MAX_TICKS * p.cfg.tickMs);
  p.catchUpFedAt = now;
  if (p.catchUps.size === 0 || !(ms > 0)) return;
  const share = p.cfg.catchUpPace * p.clubBlocksPerSec(PACE_DEFAULT_BPS) * ms / 1000;
  p.catchUps.feed(share, (up, seq) => queueCatchUp(p, now, up, seq, "bulk"));
}

/** The next datagram by priority, or undefined. */
export function nextDatagram(p: PeerCore, now: number): { to: Addr; msg: Msg } | undefined {
  const ctl = p.queue.nextControl();
  if (ctl) return ctl;
  p.queue.release(now);
  const item = p.queue.nextBlock(worthSending, p, now);
  if (!item) return undefined;
  const cls = p.queue.lastClass;
  countSent(p.stats.sent, cls);
  const block = p.store.get(item.seq)!;
  const conn = item.conn;
  if (!conn || item.catchUp) {
    // Repairs and catch-up are outside the connection's live stream: no counter, and the
    // receiver does not judge the connection's delay by them.
    if (conn) conn.sent.add(item.seq);
    const club = item.seq % p.clubs;
    const msg: BlockMsg = { t: "block", club, hop: 0, n: 0, repair: true, block };
    return { to: item.to, msg };
  }
  // A backup copy that was held goes as an offer (offer.ts). A held block is released into
  // the in-club class; a data block pushed at once to a lead that is a lead no more by its
  // turn is offered too.
  if (cls === "in" && offersBlock(p, conn, block)) return offerOf(p, conn, item.seq);
  if (cls === "out") p.noteQueueDelay(now - item.at);
  conn.n++;
  conn.sent.add(item.seq);
  const hop = ((Math.floor(now) % WRAP) + WRAP) % WRAP;
  return {
    to: conn.remote,
    msg: {
      t: "block",
      club: conn.club,
      hop,
      n: wireCounter(conn.secret, conn.n),
      repair: false,
      block,
    },
  };
}

/** Counts a block sent in its class (a switch: a keyed update by a varying name is slow). */
function countSent(sent: PeerStats["sent"], cls: BlockClass): void {
  switch (cls) {
    case "auth":
      sent.auth++;
      return;
    case "in":
      sent.in++;
      return;
    case "out":
      sent.out++;
      return;
    case "repair":
      sent.repair++;
      return;
    case "bulk":
      sent.bulk++;
      return;
  }
}

/** Whether a queued block is still worth sending when its turn comes at `now`. */
function worthSending(it: QueuedBlock, cls: BlockClass, p: PeerCore, now: number): boolean {
  // The connection's own tests first (they drop most in-club blocks held for a "have"), the
  // store after (all of these are free of side effects, so their order changes nothing).
  const c = it.conn;
  if (c && (!c.open || !c.accepted || c.sent.has(it.seq) || c.haves.has(it.seq))) {
    return false;
  }
  if (!c && p.spared(it.to, it.seq)) return false;
  const block = p.store.get(it.seq);
  if (!block) return false;
  // Ages compare source times only: our clock and the source's need not agree.
  if (it.catchUp) {
    if (p.newestSrcTime() - block.srcTime > p.cfg.bulkMaxAgeMs) return false;
  } else if (now - it.at > p.cfg.staleMs) {
    p.stats.staleDropped++;
    if (cls === "out") p.noteQueueDelay(now - it.at);
    return false;
  }
  // A downstream that has not proven its address gets blocks only within 3x of what it
  // sent (addr_guard.ts), each counted at the largest datagram. The connection's note that
  // its remote is validated spares the guard's lookup.
  const own = c !== undefined && c.remote === it.to;
  if (own && c.guardEpoch === p.guard.epoch) return true;
  if (p.guard.isValid(it.to)) {
    if (own) c.guardEpoch = p.guard.epoch;
    return true;
  }
  return p.guard.allow(it.to, MAX_DATAGRAM);
}
