/**
 * Housekeeping, run every `tickMs`: keep-alives, dropping silent or idle connections,
 * filling connections back to their targets (which is how the replacement rules of
 * [0056]-[0058] play out), repair requests, playback.
 */
import { choosePeer } from "../peer/choose.ts";
import { audit } from "./audit.ts";
import type { Addr } from "../wire/messages.ts";
import { connKey, type DownConn, type UpConn } from "./conns.ts";
import type { KnownPeer } from "./directory.ts";
import type { PeerCore } from "./peer.ts";
import { countIn, dropConn, memberUp, offerUpload, requestDownload } from "./peer_conns.ts";
import { feedCatchUps } from "./peer_relay.ts";
import { keepaliveOf } from "./offer.ts";

/** One housekeeping round at `now`. */
export function tick(p: PeerCore, now: number): void {
  p.bans.tick(now);
  checkConnections(p, now);
  audit(p, now);
  shedLoad(p, now);
  chooseLeads(p, now);
  fillConnections(p, now);
  askRepairs(p, now);
  feedCatchUps(p, now);
  p.advancePlayback(now);
  prune(p);
}

function failed(p: PeerCore, now: number, addr: Addr): void {
  const known = p.directory.get(addr);
  if (known) known.failAt = now;
}

function checkConnections(p: PeerCore, now: number): void {
  const c = p.cfg;
  // The tables are walked live, not copied: a step only ever deletes the connection it is
  // at, which a Map's iteration allows (the rest are visited as before).
  for (const d of p.downs.values()) {
    if (!d.accepted) {
      // An unanswered request to the source is not a refusal (only a "drop" is, peer_conns.ts):
      // its connect or accept was lost, and a thin club waits for it, so it is asked again
      // at once rather than after `retryMs`. How long "unanswered" is follows the time this
      // peer's accepts took (connect_timeout.ts).
      if (now - d.since > p.connectWait.waitMs) {
        p.downs.delete(connKey(d.remote, d.club));
        failed(p, now, d.remote);
      }
      continue;
    }
    // The source is not judged by block intervals (its input may come in bursts) and never
    // banned: nobody else has its blocks first.
    const fromSource = d.remote === p.source;
    const limit = d.inClub ? c.idleInMs : fromSource ? c.idleOutMs : idleOutMs(p);
    if (d.monitor.idle(now, limit) && !streamStopped(p, now, limit) && !sparedBackup(p, now, d)) {
      // An out-of-club uploader sends every block of its club: one that took the connection
      // and sent none is banned as on evidence (a freerider's way), not as a slow peer.
      dropConn(p, now, d, "idle", !fromSource, !d.inClub && d.monitor.blocks === 0);
      continue;
    }
    if (now - d.lastKeepaliveSent >= c.keepaliveMs) {
      d.lastKeepaliveSent = now;
      p.send(d.remote, keepaliveOf(p, d));
    }
  }
  for (const u of p.ups.values()) {
    if (!u.accepted) {
      if (now - u.since > c.connectTimeoutMs) {
        p.ups.delete(connKey(u.remote, u.club));
        failed(p, now, u.remote);
      }
      continue;
    }
    if (now - u.lastKeepalive > c.keepaliveTimeoutMs) {
      // Not banned if its keep-alives may have been lost in this peer's own full socket.
      const own = p.ownOverflow.droppedAfter(u.lastKeepalive);
      dropConn(p, now, u, "keepalive", p.role === "peer" && !own && !heardLately(p, now, u));
    }
  }
}

/**
 * True if `u`'s remote was heard lately on another connection: then `u` went silent because
 * the remote closed it and its "drop" was lost, not because the remote died or is congested,
 * and it is not banned [0054]. The source bans nobody for silence: a peer it refused for a
 * lost "drop" could not take a thin club from it (peer_tick.ts, downloadFromSource).
 */
function heardLately(p: PeerCore, now: number, u: UpConn): boolean {
  const c = p.cfg;
  for (const o of p.ups.values()) {
    if (o !== u && o.remote === u.remote && now - o.lastKeepalive <= c.keepaliveTimeoutMs) {
      return true;
    }
  }
  for (const d of p.downs.values()) {
    if (d.remote === u.remote && d.accepted && now - d.monitor.lastRecv <= c.keepaliveTimeoutMs) {
      return true;
    }
  }
  return false;
}

/**
 * True for an in-club download that is not this peer's lead, while the lead delivers, and
 * whose remote said "have" lately on its own download of the club from this peer: it holds
 * the club's blocks and is silent because this peer's "have"s came before each of its held
 * copies (a live backup), not because it died or starves. Where "have"s travel faster than a
 * hold (a small swarm on one host), such an upstream never sends a block, and dropping it as
 * idle every 2.5 s churned the whole swarm's in-club connections (bench/README.md, run L).
 * A backup that says nothing, or once the lead is silent too (`inOrderLiveMs`), is judged as
 * usual: a live upstream starved by a dead one is of no use either (docs/simulator.md, "Mass
 * failure").
 */
function sparedBackup(p: PeerCore, now: number, d: DownConn): boolean {
  if (!d.inClub || d.lead || d.remote === p.source) return false;
  const live = p.cfg.inOrderLiveMs;
  const back = p.ups.find(d.remote, d.club);
  if (!back || !back.accepted || now - back.lastHaveAt > live) return false;
  return p.inOrderLink(d.club, now);
}

/**
 * True when no live block came on any download for `limit` either, and not yet for
 * `idleInMs`: the stream stopped upstream of everyone (the source restarting, its input
 * stalled), so an idle uploader is not at fault. Dropping and banning every uploader then
 * would leave the peer to rebuild all its downloads, against bans, when the stream comes
 * back; past `idleInMs` of silence, connections are judged as usual.
 */
function streamStopped(p: PeerCore, now: number, limit: number): boolean {
  const quiet = now - p.lastLiveAt;
  return quiet > limit && quiet < p.cfg.idleInMs;
}

/** How long an out-of-club download may stay silent (PeerConfig.idleOutBlocks). */
function idleOutMs(p: PeerCore): number {
  const c = p.cfg, perSec = p.clubBlocksPerSec();
  if (c.idleOutBlocks <= 0 || !(perSec > 0)) return c.idleOutMs;
  return Math.min(c.idleOutMs, Math.max(c.idleOutMinMs, (c.idleOutBlocks * 1000) / perSec));
}

/**
 * A peer whose own send queue holds live blocks longer than `shedDelayMs` cannot carry all
 * its uploads: it drops its newest out-of-club upload (that downstream finds another
 * uploader in the club), rather than letting every downstream's delay grow; as many as it
 * carries past the limit it measured (upload_limit.ts) at once.
 */
function shedLoad(p: PeerCore, now: number): void {
  const c = p.cfg, limit = p.uploadLimit;
  const backlogged = p.queue.outWaiting > 0 && p.queueDelayMs > c.fullDelayMs;
  limit.tick(now, p.stats.sent.out, backlogged, p.clubBlocksPerSec(), p.outUploads());
  if (p.queue.blocksWaiting === 0 || p.queueDelayMs <= c.shedDelayMs) return;
  if (now - p.lastShed < c.shedEveryMs) return;
  const out: UpConn[] = [];
  for (const u of p.ups.values()) if (!u.inClub && u.accepted) out.push(u);
  if (out.length === 0) return;
  p.lastShed = now;
  // Newest first (a stable sort: of two opened at once, the first in the table goes first).
  out.sort((a, b) => b.since - a.since);
  const n = Math.max(1, p.outUploads() - limit.value);
  for (const u of out.slice(0, n)) dropConn(p, now, u, "shed", false);
}

/**
 * Names, per club, the in-club upstream whose copies arrive first most often as the lead
 * (it pushes at once; the others hold blocks for `holdMs`, so this peer's "have" usually
 * reaches them first). In a flood the first-arrival links form a shortest-path tree, so the
 * leads carry each block once along it. A lead is replaced when it closes, or when another
 * upstream clearly beat it over the last `leadEveryMs`.
 */
function chooseLeads(p: PeerCore, now: number): void {
  if (p.role === "source") return;
  const rescore = now - p.lastLeadRound >= p.cfg.leadEveryMs;
  if (rescore) p.lastLeadRound = now;
  for (const club of p.myClubs) {
    let lead: DownConn | undefined, best: DownConn | undefined;
    let bestScore = -1;
    for (const d of p.downs.ofClub(club)) {
      if (!d.inClub || !d.accepted) continue;
      if (d.lead) lead = d;
      const score = d.useful - d.usefulMark + (d.remote === p.source ? 0.5 : 0);
      if (score > bestScore) [best, bestScore] = [d, score];
    }
    if (!best) continue;
    let switchTo: DownConn | undefined;
    if (!lead) switchTo = best;
    else if (rescore && best !== lead && bestScore > 1.5 * (lead.useful - lead.usefulMark) + 2) {
      switchTo = best;
    }
    if (switchTo) {
      if (lead) {
        lead.lead = false;
        p.send(lead.remote, keepaliveOf(p, lead));
      }
      switchTo.lead = true;
      p.send(switchTo.remote, keepaliveOf(p, switchTo));
    }
    if (rescore) {
      for (const d of p.downs.ofClub(club)) d.usefulMark = d.useful;
    }
  }
}

/** Opens the connections this peer lacks, or pings and asks around to find candidates. */
export function fillConnections(p: PeerCore, now: number): void {
  const c = p.cfg;
  if (p.role === "source") {
    for (let club = 0; club < p.clubs; club++) sourceMembers(p, now, club);
    return;
  }
  for (let club = 0; club < p.clubs; club++) {
    if (p.myClubs.has(club)) {
      // A thin club of our own: the source takes us as a member while it pushes the club to
      // fewer than `sourcePerClub` members; it would otherwise offer only after it hears of us
      // from the tracker (up to its announce interval).
      const inDowns = countIn(p, "down", club, true);
      const fromSource = inDowns === 0 && downloadFromSource(p, now, club);
      if (!fromSource && inDowns < c.inClubMin) want(p, now, club, "down");
      if (countIn(p, "up", club, true) < c.inClubMin) want(p, now, club, "up");
    } else if (countIn(p, "down", club, false) === 0) {
      if (!downloadFromSource(p, now, club)) want(p, now, club, "down");
    } else if (c.thinFromSource) leaveSource(p, now, club);
  }
}

/**
 * The source keeps `sourcePerClub` members of each club that it heard from lately
 * (PeerConfig.sourceSpareSilentMs): a member silent that long may have died, and the club
 * would have one feed, or none, until its keep-alive timeout, so one more member is offered
 * the club meanwhile. Once every member is heard again the newest goes: `sourcePerClub`
 * copies again.
 */
function sourceMembers(p: PeerCore, now: number, club: number): void {
  const c = p.cfg;
  let all = 0, heard = 0, pending = 0;
  let newest: UpConn | undefined;
  for (const u of p.ups.ofClub(club)) {
    if (!memberUp(p, u)) continue;
    all++;
    if (!u.accepted) pending++;
    const silent = u.accepted && c.sourceSpareSilentMs > 0 &&
      now - u.lastKeepalive > c.sourceSpareSilentMs;
    if (!silent) heard++;
    if (u.accepted && (!newest || u.since > newest.since)) newest = u;
  }
  if (heard < c.sourcePerClub) want(p, now, club, "up");
  else if (all > c.sourcePerClub && heard === all && pending === 0 && newest) {
    dropConn(p, now, newest, "surplus", false);
  }
}

/**
 * Live members of `club` this peer knows: not the source, not banned, not failed lately, and
 * not silent (pinged and no answer for `connectTimeoutMs`): a killed peer stays in the
 * directory, and counting it kept a club whose members had all died off the source.
 */
function liveMembers(p: PeerCore, now: number, club: number): number {
  const c = p.cfg;
  let live = 0;
  for (const k of p.directory.members(club)) {
    const silent = k.pingAt > k.pongAt && now - k.pingAt > c.connectTimeoutMs;
    if (k.addr !== p.source && !p.bans.has(k.addr) && now - k.failAt >= c.retryMs && !silent) {
      live++;
    }
  }
  return live;
}

/**
 * A club downloaded from the source while it was thin moves to its members once it is not:
 * make before break, the source's download closes only once a member's is open.
 */
function leaveSource(p: PeerCore, now: number, club: number): void {
  const d = p.source === undefined ? undefined : p.downs.get(connKey(p.source, club));
  if (!d?.accepted || liveMembers(p, now, club) < 2) return;
  let member: DownConn | undefined;
  for (const o of p.downs.values()) if (o.club === club && o !== d) member = o;
  if (member === undefined) want(p, now, club, "down");
  else if (member.accepted) dropConn(p, now, d, "surplus", false);
}

/**
 * A club with fewer than two live members known is downloaded from the source (which takes
 * such downloads as far as its `maxUploads` allows). In a small swarm, or
 * after members died or were banned, a club may have one usable member or none: with none
 * its blocks would reach nobody, with one that member's every hiccup would be a hole nobody
 * could repair. In a large swarm no club is that thin.
 */
function downloadFromSource(p: PeerCore, now: number, club: number): boolean {
  const src = p.source, c = p.cfg;
  if (!c.thinFromSource || src === undefined || p.bans.has(src)) return false;
  if (now - (p.sourceRefusedAt.get(club) ?? -Infinity) < c.retryMs) return false;
  if (liveMembers(p, now, club) >= 2) return false;
  requestDownload(p, now, src, club);
  return true;
}

function want(p: PeerCore, now: number, club: number, dir: "up" | "down"): void {
  const c = p.cfg;
  const table = dir === "up" ? p.ups : p.downs;
  const choice = choosePeer(p.directory.members(club), p.rng, {
    now,
    freshMs: c.pingFreshMs,
    retryMs: c.retryMs,
    pingBatch: c.pingBatch,
    exclude: (a) =>
      a === p.self || a === p.publicAddr || a === p.source || p.bans.has(a) ||
      table.find(a, club) !== undefined,
    // A download is asked of a candidate whose pong is not "full", favouring those with few
    // uploads (1 / (1 + uploads), after [0034]): weighted by the uploads each reported [0033],
    // [0035], the survivors of a mass failure all asked the few busiest, which then shed their
    // newest (docs/protocol.md, "Finding peers"). Upload offers favour members with room for
    // another in-club download.
    weight: dir === "down"
      ? (k: KnownPeer) => {
        const up = k.pong?.up ?? 0;
        return k.pong?.full || up >= c.maxUploads ? 0 : 1 / (1 + up);
      }
      : (k: KnownPeer) => Math.max(1, c.inClubMax + 1 - (k.pong?.downIn ?? 0)),
  });
  for (const a of choice.ping) p.ping(now, a);
  if (choice.pick !== undefined) {
    if (dir === "down") requestDownload(p, now, choice.pick, club);
    else offerUpload(p, now, choice.pick, club, p.role === "peer");
    return;
  }
  if (choice.ping.length === 0) find(p, now, club);
}

/**
 * Unanswered "find"s remembered (PeerCore.finds), oldest forgotten first: three a club per
 * `findEveryMs` at most, and an answer comes within a round trip.
 */
export const FINDS_MAX = 256;

/** Asks a few known peers who they know in `club` [0032], at most once per findEveryMs. */
function find(p: PeerCore, now: number, club: number): void {
  if (now - (p.lastFind.get(club) ?? -Infinity) < p.cfg.findEveryMs) return;
  p.lastFind.set(club, now);
  const asked = new Set<Addr>();
  for (const d of p.downs.values()) if (d.accepted && asked.size < 2) asked.add(d.remote);
  const known = [...p.directory.all()].map((k) => k.addr);
  while (asked.size < 3 && known.length > 0) {
    const i = p.rng.int(known.length);
    asked.add(known[i]);
    known[i] = known[known.length - 1];
    known.pop();
  }
  for (const a of asked) {
    // Our address proven by the cookie of its pong, the answer is not cut to 3x of the find.
    const cookie = p.directory.get(a)?.pong?.cookie ?? 0;
    const nonce = p.guard.findNonce();
    p.finds.set(nonce, { to: a, club });
    if (p.finds.size > FINDS_MAX) p.finds.delete(p.finds.keys().next().value!);
    p.send(a, { t: "find", club, nonce, cookie });
  }
}

/**
 * Sends "want" for missing blocks to a holder. A block lost on its link (the link's counter
 * showed a gap) is first asked of that link's sender, which holds it. Otherwise the sender
 * has not sent it yet (it may lack it, or be saturated), so the peer asks its in-club
 * upstreams, which hold every block they were sent and answer fast; the block's own club's
 * uploaders come next.
 */
export function askRepairs(p: PeerCore, now: number): void {
  if (p.role === "source") return;
  const floor = p.floor();
  if (p.cfg.repairOverdueMs > 0 && p.store.top >= 0) {
    p.topMark.note(now, p.store.top);
    let limit = p.topMark.lagged(now);
    // A joiner's history comes paced, oldest first, after its connections' first live
    // blocks, so its holes show no gap to `arrived`; its start waits for a whole second
    // after a keyframe, so they are swept sooner.
    if (p.playback?.awaitingEntry && p.cfg.entryOverdueMs > 0) {
      p.entryMark.note(now, p.store.top);
      limit = Math.max(limit, p.entryMark.lagged(now));
    }
    if (limit >= floor) p.repair.overdue(now, limit, p.isSeen, floor);
    if (p.cfg.orphanOverdueMs > 0) sweepOrphans(p, now, floor);
  }
  // A joiner waits for its history's holes before it starts: a lost ask or answer is asked
  // again as soon as an answer would have come (as a lost connection request is), not after
  // the usual wait.
  const retryMs = p.playback?.awaitingEntry
    ? Math.min(p.cfg.repairRetryMs, p.connectWait.waitMs)
    : p.cfg.repairRetryMs;
  const due = p.repair.due(now, floor, retryMs);
  if (due.length === 0) return;
  const byHolder = new Map<Addr, number[]>();
  const any: DownConn[] = [];
  const inClub: DownConn[] = [];
  for (const d of p.downs.values()) {
    if (!d.accepted) continue;
    any.push(d);
    if (d.inClub && d.remote !== p.source) inClub.push(d);
  }
  if (any.length === 0) return;
  // In small-swarm mode the source, which holds every block and outlives any peer, is asked
  // once a block's own club's uploaders failed twice (peer_tick.ts, downloadFromSource).
  let lastResort: DownConn[] | undefined;
  if (p.cfg.thinFromSource) {
    const src = any.find((d) => d.remote === p.source);
    if (src) lastResort = [src];
  }
  // Each club's holders (in table order), gathered once for all its due seqs.
  const holdersOf = new Map<number, DownConn[]>();
  for (const { seq, tries, lost } of due) {
    const club = seq % p.clubs;
    let holders = holdersOf.get(club);
    if (holders === undefined) holdersOf.set(club, holders = any.filter((d) => d.club === club));
    // Candidates in order of preference, the in-club ones rotated by seq to spread the load.
    const near: DownConn[] = [];
    if (!p.myClubs.has(club)) {
      for (let k = 0; k < inClub.length; k++) near.push(inClub[(seq + k) % inClub.length]);
    }
    // Lost in a gap of its link: that link's sender holds it (in our own club, the lead).
    const pool = lost
      ? [...holders.filter((d) => d.lead), ...holders.filter((d) => !d.lead), ...near]
      : [...near, ...holders];
    const holder = tries >= 2 && lastResort
      ? lastResort[0]
      : pool.length > 0
      ? pool[tries % pool.length]
      : any[(tries + seq) % any.length];
    const to = holder.remote;
    p.askedOf.set(seq, holder);
    let list = byHolder.get(to);
    if (!list) byHolder.set(to, list = []);
    if (list.length < 16) list.push(seq);
  }
  for (const [to, seqs] of byHolder) {
    p.stats.repairAsked += seqs.length;
    p.send(to, { t: "want", seqs });
  }
}

/**
 * Sweeps the clubs no download brings (PeerConfig.orphanOverdueMs): another club with no
 * accepted download, or whose downloads were silent for `orphanIdleMs`.
 */
function sweepOrphans(p: PeerCore, now: number, floor: number): void {
  p.orphanMark.note(now, p.store.top);
  const limit = p.orphanMark.lagged(now);
  if (limit < floor) return;
  const fed = new Uint8Array(p.clubs);
  for (const d of p.downs.values()) {
    if (d.accepted && !d.monitor.idle(now, p.cfg.orphanIdleMs)) fed[d.club] = 1;
  }
  for (let club = 0; club < p.clubs; club++) {
    if (fed[club] === 0 && !p.myClubs.has(club)) {
      p.repair.overdueClub(now, limit, club, p.isSeen, floor);
    }
  }
}

function prune(p: PeerCore): void {
  const floor = p.store.floor;
  if (p.askedOf.size >= 1024) {
    const wanted = p.floor();
    for (const seq of p.askedOf.keys()) if (seq < wanted) p.askedOf.delete(seq);
  }
  for (const u of p.ups.values()) {
    if (u.haves.size >= 1024) u.haves.dropBelow(floor);
    if (u.sent.size >= 1024) u.sent.dropBelow(floor);
    if (u.offered !== undefined && u.offered.size >= 256) u.offered.dropBelow(floor);
  }
  if (p.pings.size > 4096) p.pings.clear();
}
