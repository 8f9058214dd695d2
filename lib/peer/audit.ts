/**
 * Delivery checks by the source (patent [0039], [0054]: the side that drops a connection bans
 * the other). The source pushes each club to two of its members [0029], and the whole club
 * then has its blocks from them: a member that takes the source's blocks and relays nothing
 * (a freerider) or relays forgeries leaves the club with one feed, and the source, which
 * downloads nothing, would never see it. So the source asks each such downstream, now and
 * then, for a block of the club it sent it a while before ("want", as any peer asks for a
 * repair). An honest member holds it and sends it back; one that leaves `auditMisses` checks
 * in a row unanswered, or answers with a block that is not the source's, is dropped and
 * banned, and the source pushes the club to another member. Any honest node would pass: it
 * answers every peer's "want"s the same way. A peer's own in-club downstreams are not
 * checked: each has two or three upstreams in the club, the source's members often only the
 * source.
 */
import { sameBlock } from "../auth/shape.ts";
import type { BlockMsg } from "../wire/messages.ts";
import type { Addr } from "../wire/messages.ts";
import type { UpConn } from "./conns.ts";
import type { PeerCore } from "./peer.ts";
import { dropConn, memberUp, punish } from "./peer_conns.ts";

/** Blocks of its club looked back over for one the downstream was sent (about 2 s). */
const LOOK_BACK = 48;

/** The source's round of checks at `now` (housekeeping). */
export function audit(p: PeerCore, now: number): void {
  const c = p.cfg;
  if (p.role !== "source" || c.auditEveryMs <= 0) return;
  // A step deletes at most the connection it is at, which the table's iteration allows.
  for (const u of p.ups.values()) {
    if (!u.accepted || !u.open || !memberUp(p, u)) continue;
    if (u.auditSeq >= 0) {
      if (now - u.auditAt < c.auditTimeoutMs) continue;
      u.auditSeq = -1;
      if (++u.auditMissed >= c.auditMisses) {
        dropConn(p, now, u, "unserved", true);
        continue;
      }
    }
    if (now - u.auditAt < c.auditEveryMs) continue;
    const seq = checkable(p, now, u);
    if (seq === undefined) continue;
    u.auditSeq = seq;
    u.auditAt = now;
    p.send(u.remote, { t: "want", seqs: [seq] });
  }
}

/**
 * The newest block of `u`'s club that went to `u` at least `auditAgeMs` ago (so an honest
 * downstream has had it, and verified it, long since), if any.
 */
function checkable(p: PeerCore, now: number, u: UpConn): number | undefined {
  const top = p.store.top;
  if (top < 0) return undefined;
  let s = top - ((((top - u.club) % p.clubs) + p.clubs) % p.clubs);
  for (let k = 0; k < LOOK_BACK && s >= p.store.floor; k++, s -= p.clubs) {
    const at = p.store.putAt(s);
    if (at !== undefined && now - at >= p.cfg.auditAgeMs && u.sent.has(s)) return s;
  }
  return undefined;
}

/**
 * A block that came to the source: only a downstream's answer to a check is expected. The
 * answer passes the check if it is the block asked for, as the source made it; a block that
 * is not the source's (compared with the one it holds) is a forgery, and its sender is
 * punished like any forger. Anything else is ignored.
 */
export function onAnswer(p: PeerCore, now: number, from: Addr, m: BlockMsg): void {
  const b = m.block;
  const u = p.ups.find(from, b.seq % p.clubs);
  if (u === undefined || !u.accepted) return void p.stats.unsolicited++;
  const held = p.store.get(b.seq);
  if (held !== undefined && !sameBlock(held, b)) {
    p.stats.forged++;
    return punish(p, now, from);
  }
  if (held !== undefined && b.seq === u.auditSeq) {
    u.auditSeq = -1;
    u.auditMissed = 0;
  }
}
