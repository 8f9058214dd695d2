/**
 * Opening and closing connections, and the rules of patent [0056]-[0059]:
 * - the initiator asks; the non-initiator always accepts (bounded only by `maxUploads`), and
 *   when the newcomer is in-club and pushes it past `inClubMax` in that direction, drops one
 *   of its other in-club connections in that direction, chosen at random [0059];
 * - one download connection per club the peer is not in [0028];
 * - the side that drops a connection for congestion or silence bans the other [0054];
 * - replacement (fill back to `inClubMin` in-club, to one out-of-club download per other
 *   club, never re-opening a dropped out-of-club upload) happens in the next tick's
 *   {@link fillConnections} (peer_tick.ts).
 */
import { HaveLags } from "./have_lags.ts";
import { DownMonitor } from "./down_monitor.ts";
import type { AcceptMsg, Addr, Bitfield, ConnectMsg, DropMsg } from "../wire/messages.ts";
import { connKey, type DownConn, type UpConn } from "./conns.ts";
import type { CloseReason } from "./events.ts";
import type { PeerCore } from "./peer.ts";
import { catchUp, haveBitfield, sendHolding } from "./peer_relay.ts";
import { keepaliveOf } from "./offer.ts";
import { SeqSet } from "./seq_ring.ts";

/** Counts one peer's connections of a direction in one club. */
export function countIn(
  p: PeerCore,
  dir: "up" | "down",
  club: number,
  inClubOnly: boolean,
): number {
  const conns = (dir === "up" ? p.ups : p.downs).ofClub(club);
  if (!inClubOnly) return conns.length;
  let n = 0;
  for (let i = 0; i < conns.length; i++) if (conns[i].inClub) n++;
  return n;
}

/** Opens a download connection request to `remote` for `club`. */
export function requestDownload(p: PeerCore, now: number, remote: Addr, club: number): void {
  const down = newDown(p, now, remote, club, false);
  // The remote's cookie for us, from its last pong: it proves our address at once. Without
  // one (the source, asked for a thin club, is never pinged as a candidate), a ping now gets
  // it for the next request; this one waits for our echo of the accept's cookie.
  const known = p.directory.get(remote);
  down.cookie = down.secret = known?.pong?.cookie ?? 0;
  if (down.cookie === 0 && !(now - (known?.pingAt ?? -Infinity) < p.cfg.retryMs)) {
    p.ping(now, remote);
  }
  p.downs.set(connKey(remote, club), down);
  p.send(remote, {
    t: "connect",
    club,
    dir: "down",
    clubs: [...p.myClubs],
    have: haveBitfield(p, club),
    cookie: down.cookie,
  });
}

/** Offers `remote` an upload connection for `club`. */
export function offerUpload(
  p: PeerCore,
  now: number,
  remote: Addr,
  club: number,
  inClub: boolean,
): void {
  const up = newUp(now, remote, club, inClub, false, isMember(p, remote, club));
  up.secret = p.directory.get(remote)?.pong?.cookie ?? 0;
  p.ups.set(connKey(remote, club), up);
  p.send(remote, {
    t: "connect",
    club,
    dir: "up",
    clubs: p.role === "source" ? [] : [...p.myClubs],
    have: null,
    cookie: up.secret,
  });
}

function newDown(
  p: PeerCore,
  now: number,
  remote: Addr,
  club: number,
  accepted: boolean,
): DownConn {
  return {
    kind: "down",
    remote,
    club,
    inClub: p.myClubs.has(club),
    since: now,
    open: true,
    accepted,
    lastKeepaliveSent: now,
    monitor: new DownMonitor(now, { lossWindow: p.cfg.lossWindow, maxLoss: p.cfg.maxLoss }),
    useful: 0,
    usefulMark: 0,
    lead: false,
    historyTop: -1,
    cookie: 0,
    guardEpoch: -1,
    secret: 0,
  };
}

function newUp(
  now: number,
  remote: Addr,
  club: number,
  inClub: boolean,
  accepted: boolean,
  toMember: boolean,
): UpConn {
  return {
    kind: "up",
    remote,
    club,
    inClub,
    toMember,
    since: now,
    open: true,
    accepted,
    n: 0,
    lastKeepalive: now,
    haves: new SeqSet(),
    lastHaveAt: -Infinity,
    sent: new SeqSet(),
    offered: undefined,
    lead: true,
    offers: false,
    haveLags: new HaveLags(),
    guardEpoch: -1,
    secret: 0,
    auditSeq: -1,
    auditAt: now,
    auditMissed: 0,
  };
}

/** Handles a "connect" (this peer is the non-initiator). */
export function handleConnectMsg(p: PeerCore, now: number, from: Addr, m: ConnectMsg): void {
  if (m.club >= p.clubs || p.bans.has(from)) return refuse(p, from, m);
  // The initiator echoes the cookie of our pong: its address is proven from the start.
  if (p.guard.check(from, m.cookie)) onValidated(p, now, from);
  const proven = p.guard.isValid(from);
  const cookie = p.guard.cookie(from);
  const key = connKey(from, m.club);
  if (m.dir === "down") {
    // The initiator wants to download `club` from us.
    if (!p.myClubs.has(m.club)) return refuse(p, from, m);
    const existing = p.ups.get(key);
    const member = m.clubs.includes(m.club);
    if (!existing) {
      // Requests still waiting for their echo do not count: spoofed ones must not fill it.
      if (p.ups.size - unproven(p) >= p.cfg.maxUploads) return refuse(p, from, m);
      if (!member && p.isFull()) return refuse(p, from, m);
      // The source takes as many members as it pushes each club to; non-members (a thin club,
      // peer_tick.ts downloadFromSource) only as far as `maxUploads` allows.
      if (p.role === "source" && member && memberUps(p, m.club) >= p.cfg.sourcePerClub) {
        return refuse(p, from, m);
      }
    }
    const up = existing ?? newUp(now, from, m.club, member, false, member);
    // A request for a connection we still have: the downstream lost it (our accept, or its
    // record of it) and starts a download afresh, whose counter starts again at 1.
    up.n = 0;
    up.lastKeepalive = now;
    up.secret = cookie;
    p.ups.set(key, up);
    p.send(from, { t: "accept", club: m.club, dir: "down", cookie });
    if (existing) return;
    if (proven) openUpload(p, now, up, m.have);
    else awaitEcho(p, now, up, m.have);
  } else {
    // The initiator offers to upload `club` to us. It pinged us before choosing us, so it
    // echoes our cookie; one that does not may be anyone's spoofed offer: refused, or it
    // would hold the club's download slot, or displace a real in-club upstream.
    if (p.role === "source" || !proven) return refuse(p, from, m);
    const inClub = p.myClubs.has(m.club);
    const existing = p.downs.get(key);
    if (!existing && !inClub && countIn(p, "down", m.club, false) > 0) return refuse(p, from, m);
    const down = existing ?? newDown(p, now, from, m.club, true);
    // An offer of a connection we still have: the upstream made it afresh, and its counter
    // starts again at 1.
    if (existing) existing.monitor.restartCounter();
    down.accepted = true;
    down.secret = cookie;
    // The upstream's cookie for us, if a pong of it gave one, goes back in our keep-alives.
    down.cookie ||= p.directory.get(from)?.pong?.cookie ?? 0;
    p.downs.set(key, down);
    p.send(from, { t: "accept", club: m.club, dir: "up", cookie });
    if (existing) return;
    if (inClub) sendHolding(p, from, m.club);
    p.events.push({ type: "conn", open: true, dir: "down", club: m.club, remote: from });
    if (inClub) trimSurplus(p, now, "down", m.club, down);
  }
}

/**
 * An upload to a member of its club: one the remote asked for as a member, or, for the
 * source's own offers (which it makes as to a non-member), one to a known member.
 */
export function memberUp(p: PeerCore, u: UpConn): boolean {
  return u.inClub || u.toMember || isMember(p, u.remote, u.club);
}

/** True if `addr` is, as far as this node knows, a member of `club`. */
function isMember(p: PeerCore, addr: Addr, club: number): boolean {
  return p.directory.get(addr)?.clubs.has(club) ?? false;
}

/**
 * The source's upload connections of `club` to members of the club, taken or offered. The
 * source's other uploads of a club serve non-members while the club is thin (peer_tick.ts).
 */
export function memberUps(p: PeerCore, club: number): number {
  let n = 0;
  for (const u of p.ups.ofClub(club)) if (memberUp(p, u)) n++;
  return n;
}

/** Drops one random other in-club connection when `fresh` made one too many [0059]. */
function trimSurplus(
  p: PeerCore,
  now: number,
  dir: "up" | "down",
  club: number,
  fresh: UpConn | DownConn,
): void {
  if (countIn(p, dir, club, true) <= p.cfg.inClubMax) return;
  const others: (UpConn | DownConn)[] = [];
  for (const c of (dir === "up" ? p.ups : p.downs).values()) {
    if (c.club === club && c.inClub && c !== fresh && c.remote !== p.source) others.push(c);
  }
  if (others.length === 0) return;
  const victim = p.rng.pick(others);
  dropConn(p, now, victim, "surplus", false);
}

function refuse(p: PeerCore, from: Addr, m: ConnectMsg): void {
  count(p, "refused");
  // Our side of the refused connection would have been the opposite of the initiator's; its
  // cookie is the one our accept would have carried.
  const dir = m.dir === "down" ? "up" : "down";
  p.send(from, { t: "drop", club: m.club, dir, cookie: p.guard.cookie(from) });
}

/** Handles an "accept" of a connection this peer asked for. */
export function handleAccept(p: PeerCore, now: number, from: Addr, m: AcceptMsg): void {
  const key = connKey(from, m.club);
  if (m.dir === "down") {
    const down = p.downs.get(key);
    if (!down || down.accepted) return;
    down.accepted = true;
    down.monitor.lastRecv = now;
    p.connectWait.answered(now - down.since);
    // A cookie we did not send in the connect: the uploader waits for our echo, so echo now.
    const echo = m.cookie !== down.cookie && m.cookie !== 0;
    down.cookie = down.secret = m.cookie;
    if (echo) p.send(from, keepaliveOf(p, down));
    if (down.inClub) sendHolding(p, from, m.club);
    p.events.push({ type: "conn", open: true, dir: "down", club: m.club, remote: from });
  } else {
    const up = p.ups.get(key);
    if (!up || up.accepted) return;
    up.accepted = true;
    up.lastKeepalive = now;
    up.secret = m.cookie;
    // We picked it after a pong, which proved its address; if that was forgotten, a ping
    // proves it again (a downstream sends us no cookie of ours).
    if (!p.guard.isValid(from)) p.ping(now, from);
    p.events.push({ type: "conn", open: true, dir: "up", club: m.club, remote: from });
    // The source's downstreams get recent history at once, so a peer the source picks can
    // start playing without waiting for a second of the live stream.
    if (p.role === "source" && p.cfg.sourceHistory) catchUp(p, now, up, null);
  }
}

/** A downstream's request taken: the upload opens, displaces a surplus one, and catches up. */
function openUpload(p: PeerCore, now: number, up: UpConn, have: Bitfield | null): void {
  up.accepted = true;
  up.lastKeepalive = now;
  p.events.push({ type: "conn", open: true, dir: "up", club: up.club, remote: up.remote });
  if (up.inClub && p.role === "peer") trimSurplus(p, now, "up", up.club, up);
  catchUp(p, now, up, have);
}

/**
 * A request from an address not yet validated is answered (the accept carries our cookie),
 * but its upload stays unaccepted until the downstream echoes the cookie
 * ({@link onValidated}): nothing is relayed to it, its catch-up waits, it displaces nobody,
 * and it lapses unbanned after `connectTimeoutMs` like any request never completed
 * (peer_tick.ts). At most `maxUnproven` wait at once, the oldest closed past that, so
 * spoofed requests cannot fill the upload table.
 */
function awaitEcho(p: PeerCore, now: number, up: UpConn, have: Bitfield | null): void {
  p.awaitingEcho.set(up, have);
  if (unproven(p) <= p.cfg.maxUnproven) return;
  const [oldest] = p.awaitingEcho.keys();
  p.awaitingEcho.delete(oldest);
  // The initiator had its accept: tell it (if the 3x bound lets the drop through).
  dropConn(p, now, oldest, "unproven", false);
}

/** Uploads waiting for their downstream's echo (forgetting those that are not any more). */
function unproven(p: PeerCore): number {
  for (const c of p.awaitingEcho.keys()) if (!waiting(p, c)) p.awaitingEcho.delete(c);
  return p.awaitingEcho.size;
}

/** True while `up` is still in the upload table, waiting for its downstream's echo. */
function waiting(p: PeerCore, up: UpConn): boolean {
  return up.open && !up.accepted && p.ups.get(connKey(up.remote, up.club)) === up;
}

/** `addr` proved its address: the uploads it asked for open now. */
export function onValidated(p: PeerCore, now: number, addr: Addr): void {
  for (const [up, have] of p.awaitingEcho) {
    const still = waiting(p, up);
    if (up.remote !== addr && still) continue;
    p.awaitingEcho.delete(up);
    if (still) openUpload(p, now, up, have);
  }
}

/**
 * Handles a "drop": the remote closed its side ("up": it was our upstream). A UDP source
 * address proves nothing, so a drop must carry the connection's cookie ({@link UpConn.secret}),
 * or anyone could close a peer's connections by naming its upstreams: one is ignored without
 * it, unless this peer never learned the cookie (a request still unanswered, to a peer
 * never pinged) or the connection is a request not yet taken (whose initiator may not have
 * had it either).
 */
export function handleDrop(p: PeerCore, now: number, from: Addr, m: DropMsg): void {
  const conn = (m.dir === "up" ? p.downs : p.ups).get(connKey(from, m.club));
  if (!conn) return;
  const proven = conn.secret === 0 || m.cookie === conn.secret ||
    (m.cookie === 0 && !conn.accepted);
  if (!proven) return void p.stats.spoofedDrops++;
  if (!conn.accepted) {
    // A refused request: do not ask this peer again for a while.
    const known = p.directory.get(from);
    if (known) known.failAt = now;
    if (from === p.source) p.sourceRefusedAt.set(m.club, now);
  }
  close(p, conn, "remote");
}

function count(p: PeerCore, why: CloseReason): void {
  p.stats.dropped[why] = (p.stats.dropped[why] ?? 0) + 1;
}

function close(p: PeerCore, conn: UpConn | DownConn, why: CloseReason): void {
  conn.open = false;
  (conn.kind === "up" ? p.ups : p.downs).delete(connKey(conn.remote, conn.club));
  count(p, why);
  // The club's link is gone: its holes are no longer only late on it.
  if (conn.kind === "down" && !conn.inClub) p.hastenClub(conn.club);
  if (conn.accepted) {
    const { kind: dir, club, remote } = conn;
    p.events.push({ type: "conn", open: false, dir, club, remote, reason: why });
  }
}

/**
 * This peer drops a connection, tells the remote, and bans it if `ban`, unless it is the
 * source: nobody else has the source's blocks first, and while it is banned every block it
 * sends is ignored, so one download from it dropped for loss would starve every club this
 * peer takes from it (thin clubs) until the ban is released.
 */
export function dropConn(
  p: PeerCore,
  now: number,
  conn: UpConn | DownConn,
  why: CloseReason,
  ban: boolean,
  proven = false,
): void {
  close(p, conn, why);
  p.send(conn.remote, { t: "drop", club: conn.club, dir: conn.kind, cookie: conn.secret });
  if (ban && conn.remote !== p.source) p.bans.ban(now, conn.remote, proven);
}

/**
 * A peer sent a forged or malformed block: ban it and drop everything with it. A forged block
 * "from" the source's address was spoofed (the source signs what it sends): it is dropped
 * and counted, but the source is not cut off, or anyone could cut a peer off from it.
 */
export function punish(p: PeerCore, now: number, addr: Addr): void {
  p.events.push({ type: "forged", from: addr });
  if (addr === p.source) return;
  p.bans.ban(now, addr, true);
  for (const d of [...p.downs.values()]) {
    if (d.remote === addr) dropConn(p, now, d, "forged", true, true);
  }
  for (const u of [...p.ups.values()]) {
    if (u.remote === addr) dropConn(p, now, u, "forged", true, true);
  }
}
