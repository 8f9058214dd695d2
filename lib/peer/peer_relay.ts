/**
 * Relaying (patent [0046]-[0050]): a verified block of one of this peer's clubs goes to every
 * upload connection of that club, except the peer it came from and in-club downstreams that
 * said "have"; blocks of other clubs are never relayed. A new downstream first gets what it
 * lacks (its bitfield), or recent history when it has nothing yet.
 */
import { decodeBitfield, makeBitfield } from "../bitfield/bitfield.ts";
import type { Addr, Bitfield, Block, Msg } from "../wire/messages.ts";
import type { UpConn } from "./conns.ts";
import type { PeerCore } from "./peer.ts";

const WRAP = 2 ** 32;
/** Longest bitfield sent, in bits (one bit per block of the club). */
export const MAX_BITFIELD_BITS = 512;

/** Queues `block` for this peer's downstreams in its club. */
export function relay(p: PeerCore, now: number, block: Block, from: Addr): void {
  const club = block.seq % p.clubs;
  if (!p.myClubs.has(club)) return;
  for (const up of p.ups.values()) {
    if (up.club !== club || !up.open || !up.accepted || up.remote === from) continue;
    if (up.inClub && up.haves.has(block.seq)) continue;
    const item = { conn: up, seq: block.seq, at: now, repair: false };
    if (block.kind === "auth") p.queue.block("auth", item);
    else if (!up.inClub) p.queue.block("out", item);
    else if (up.lead || p.role === "source") p.queue.block("in", item);
    else p.queue.hold(item);
  }
}

/** Tells in-club upstreams (but the sender) that this peer has `seq` [0046]. */
export function sendHave(p: PeerCore, club: number, seq: number, from: Addr): void {
  for (const d of p.downs.values()) {
    if (d.club === club && d.inClub && d.accepted && d.remote !== from) {
      p.send(d.remote, { t: "have", club, seqs: [seq] });
    }
  }
}

/** The bitfield of `club`'s blocks this peer holds, from its playback floor on. */
export function haveBitfield(p: PeerCore, club: number): Bitfield | null {
  if (p.firstSeq === undefined || p.store.top < 0) return null;
  const floor = p.floor();
  const base = floor + ((club - (floor % p.clubs)) % p.clubs + p.clubs) % p.clubs;
  if (base > p.store.top) return null;
  const bits = Math.min(MAX_BITFIELD_BITS, Math.floor((p.store.top - base) / p.clubs) + 1);
  return makeBitfield((s) => p.seen.has(s), base, p.clubs, bits);
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
  for (let i = picked.length - 1; i >= 0; i--) {
    p.queue.block("bulk", { conn: up, seq: picked[i].seq, at: now, repair: false });
  }
}

/** The next datagram by priority, or undefined. */
export function nextDatagram(p: PeerCore, now: number): { to: Addr; msg: Msg } | undefined {
  const ctl = p.queue.nextControl();
  if (ctl) return ctl;
  p.queue.release(now, p.cfg.holdMs);
  const item = p.queue.nextBlock((it) => {
    const c = it.conn;
    if (!c.open || !c.accepted || c.sent.has(it.seq) || !p.store.has(it.seq)) return false;
    if (c.inClub && c.haves.has(it.seq)) return false;
    if (now - it.at > p.cfg.staleMs) {
      p.stats.staleDropped++;
      return false;
    }
    return true;
  });
  if (!item) return undefined;
  const conn = item.conn;
  if (!item.repair) p.queueDelayMs = now - item.at;
  conn.n++;
  conn.sent.add(item.seq);
  p.stats.blocksOut++;
  const block = p.store.get(item.seq)!;
  const hop = ((Math.floor(now) % WRAP) + WRAP) % WRAP;
  return {
    to: conn.remote,
    msg: { t: "block", club: conn.club, hop, n: conn.n, repair: false, block },
  };
}
