/**
 * Offers: an in-club upstream ends the hold of a block it holds as a backup by offering it
 * (an "offer" of its seq) instead of sending it, and sends it only if the downstream still
 * wants it. Two kinds of block are held so: a data block for a downstream that named another
 * upstream its lead (the lead pushes every block at once; this copy is the fallback for a
 * lead that is late), and another club's signature block (the downstream's download of that
 * club brings it, most often first). When the first path was only a little late, the held
 * copy came anyway: these were the two largest kinds of duplicate (docs/simulator.md, "Offers
 * instead of held copies"). An offer that finds the block there costs a few bytes instead of
 * a block; one that finds it missing is answered with "want" at once, and the block comes a
 * round trip later than the held copy would have, and each of the three datagrams can be lost:
 * so a downstream takes offers only while it loses little (its keep-alives say so,
 * `offerMaxLoss`), and signature blocks are offered only with `offerSignatures` (off by
 * default: a signature block's round trip holds back its whole batch). A peer answers the
 * offers it gets whatever its settings (docs/protocol.md, "Offers instead of held copies").
 */
import type { Addr, Block, Msg, OfferMsg } from "../wire/messages.ts";
import type { DownConn, UpConn } from "./conns.ts";
import type { PeerCore } from "./peer.ts";
import { SeqSet } from "./seq_ring.ts";

/**
 * True when `block`, queued for in-club downstream `conn`, goes out as an offer, with offers
 * on (`offerHoldMs` > 0), to a downstream that takes them (its keep-alives say so,
 * {@link keepaliveOf}) and from a member (the source pushes): a data block of the
 * connection's club for a downstream that has not named us its lead, or, with
 * `offerSignatures`, another club's signature block (always a held backup on this mesh: the
 * downstream's own download of that club brings it, most often first).
 */
export function offersBlock(p: PeerCore, conn: UpConn, block: Block): boolean {
  if (p.cfg.offerHoldMs <= 0 || !conn.inClub || !conn.offers || p.role === "source") return false;
  const own = conn.club === block.seq % p.clubs;
  return block.kind === "data" ? own && !conn.lead : !own && p.cfg.offerSignatures;
}

/**
 * The keep-alive of download `d`: whether its upstream is our lead, and whether we take its
 * offers, which an in-club download does while this peer lost little of its live downloads
 * lately (at most `offerMaxLoss`, loss_gauge.ts; 0: never).
 */
export function keepaliveOf(p: PeerCore, d: DownConn): Msg {
  const max = p.cfg.offerMaxLoss;
  const offers = d.inClub && max > 0 && p.lossGauge.rate <= max;
  return { t: "keepalive", club: d.club, lead: d.lead, cookie: d.cookie, offers };
}

/** Offered seqs a connection remembers: the newest this many (they are asked within a second). */
const OFFERED_WINDOW = 1024;

/**
 * The offer of `seq` to `conn`'s downstream; the seq counts as sent on the connection (it is
 * not pushed again there), and a "want" of it is answered once ({@link answersOffer}).
 */
export function offerOf(p: PeerCore, conn: UpConn, seq: number): { to: Addr; msg: Msg } {
  conn.sent.add(seq);
  (conn.offered ??= new SeqSet(OFFERED_WINDOW)).add(seq);
  p.stats.offered++;
  return { to: conn.remote, msg: { t: "offer", club: conn.club, seqs: [seq] } };
}

/**
 * True when a "want" of `seq` from `from` answers our offer of it, the first time only (the
 * offer is then taken off): such a want is served as an in-club block, outside the repair
 * budget, since it is the fallback of the downstream's live stream, bounded by the stream's
 * rate. Any other want (again, or of a block not offered) is a repair, within the budget.
 */
export function answersOffer(p: PeerCore, from: Addr, seq: number): boolean {
  // A peer that sends no offers (`offerHoldMs` 0) has none to answer: every want is a repair.
  if (p.cfg.offerHoldMs <= 0) return false;
  const ups = p.ups.ofRemote(from);
  for (let i = 0; i < ups.length; i++) {
    const up = ups[i];
    if (up.open && up.offered !== undefined && up.offered.delete(seq)) return true;
  }
  return false;
}

/**
 * An offer from `from`; `down` is this peer's download of `msg.club` from it, if any. Asks
 * at once for the offered blocks not held and not already asked for, and tracks them as
 * asked ({@link RepairTracker.askedNow}): if the block does not come, the usual repair asks
 * another holder after `repairRetryMs`. An offer of a block already held is scored as a
 * late copy would be (a near one may make its sender the lead); one of a block not yet here
 * scores a first arrival for its sender, as its copy would have. Offers come only on an
 * in-club download: anything else is dropped and counted.
 */
export function onOffer(
  p: PeerCore,
  now: number,
  from: Addr,
  msg: OfferMsg,
  down: DownConn | undefined,
): void {
  if (!down || !down.open || !down.inClub || !down.accepted) return void p.stats.unsolicited++;
  // An offer shows the upstream alive and holding the club's blocks, as a block would.
  down.monitor.lastRecv = now;
  const floor = p.floor();
  let want: number[] | undefined;
  for (let i = 0; i < msg.seqs.length; i++) {
    const seq = msg.seqs[i];
    // Not a block this peer could hold: wants of far ones would be wasted.
    if (seq > p.store.top + p.cfg.storeSeqs) continue;
    if (p.seen.has(seq)) {
      p.nearCopy(now, seq, down);
      continue;
    }
    if (seq < floor || p.askedOf.has(seq)) continue;
    // Only a block of the download's own club says which of its upstreams is nearest.
    if (seq % p.clubs === down.club) p.firstOffer(now, seq, down);
    p.askedOf.set(seq, down);
    p.repair.askedNow(now, seq, floor);
    (want ??= []).push(seq);
  }
  if (want === undefined) return;
  p.stats.offerWanted += want.length;
  p.send(from, { t: "want", seqs: want });
}
