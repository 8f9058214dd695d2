/**
 * Connection records. Connections are one-way [0025]: on an upload connection this peer
 * sends the blocks of `club`; on a download connection it receives them. A connection is
 * in-club when both ends belong to `club` (the source belongs to every club).
 */
import type { Addr } from "../wire/messages.ts";
import type { DownMonitor } from "./down_monitor.ts";
import type { HaveLags } from "./have_lags.ts";
import type { SeqSet } from "./seq_ring.ts";

/** This peer sends `club`'s blocks to `remote`. */
export interface UpConn {
  readonly kind: "up";
  readonly remote: Addr;
  readonly club: number;
  readonly inClub: boolean;
  /**
   * Made to a member of `club` as one (the source's offers, which it makes as to a
   * non-member, go to members it knows): it stays a member upload when the directory, which
   * cannot hold a large swarm, forgets the remote ({@link memberUp}).
   */
  readonly toMember: boolean;
  /** When it was opened or asked for (moved on by a stall while pending, stall.ts). */
  since: number;
  /** False once dropped; queued sends for a closed connection are discarded. */
  open: boolean;
  /** Accepted by the remote (always true when the remote initiated). */
  accepted: boolean;
  /**
   * Live blocks sent on it so far: the per-connection counter (gap detection at the
   * receiver), offset by `secret` on the wire (conn_counter.ts).
   */
  n: number;
  lastKeepalive: number;
  /**
   * Sequence numbers the remote said it has (in-club only), pruned to a window. A
   * {@link SeqSet}: these are dense runs of recent seqs, so a sliding bitmap answers as a
   * `Set` would in a fraction of the memory.
   */
  readonly haves: SeqSet;
  /** When the downstream last said "have" (-Infinity: never): it is being fed. */
  lastHaveAt: number;
  /** Sequence numbers already sent on this connection, pruned to a window (a SeqSet too). */
  readonly sent: SeqSet;
  /**
   * Sequence numbers offered on this connection and not yet asked for (offer.ts): a "want"
   * of one is served once, outside the repair budget. Made with the first offer.
   */
  offered: SeqSet | undefined;
  /** The downstream named us its lead in-club upstream (push at once), or not (hold). */
  lead: boolean;
  /** The downstream takes offers of held copies (its keep-alives say so; offer.ts). */
  offers: boolean;
  /** How long the downstream's "have"s take (in-club, not lead; peer_relay.ts `holdFor`). */
  readonly haveLags: HaveLags;
  /**
   * The address guard's epoch when `remote` was last seen validated (-1: not yet): while the
   * guard's epoch is the same, it still is (addr_guard.ts), and the guard need not be asked.
   */
  guardEpoch: number;
  /**
   * The connection's cookie, which its "drop"s must carry (0 while unknown): the responder's
   * cookie for the initiator, which the accept carries. Only the two ends know it (peer_conns.ts,
   * `handleDrop`).
   */
  secret: number;
  /**
   * The seq this node last asked its downstream for to check that it delivers (audit.ts), -1
   * while no check is out.
   */
  auditSeq: number;
  /** When the last check was sent (or, before the first, when the connection was made). */
  auditAt: number;
  /** Checks in a row the downstream left unanswered. */
  auditMissed: number;
}

/** This peer receives `club`'s blocks from `remote`. */
export interface DownConn {
  readonly kind: "down";
  readonly remote: Addr;
  readonly club: number;
  readonly inClub: boolean;
  /** When it was opened or asked for (moved on by a stall while pending, stall.ts). */
  since: number;
  open: boolean;
  /** Accepted by the remote (always true when the remote initiated). */
  accepted: boolean;
  lastKeepaliveSent: number;
  readonly monitor: DownMonitor;
  /** Blocks received on it that were new to this peer. */
  useful: number;
  /** `useful` when the lead was last chosen, to score the latest period. */
  usefulMark: number;
  /** This in-club upstream is our lead (its copies arrive first). */
  lead: boolean;
  /**
   * The newest block of this peer's history (sent outside the counter, oldest first) that
   * came on it unasked, -1 before any: a number skipped after it was lost (peer.ts).
   */
  historyTop: number;
  /** The upstream's cookie for this peer, echoed in every keep-alive (0 while unknown). */
  cookie: number;
  /**
   * The address guard's epoch when `remote` was last seen validated (-1: not yet): while the
   * guard's epoch is the same, it still is (addr_guard.ts), and the guard need not be asked.
   */
  guardEpoch: number;
  /**
   * The connection's cookie, which its "drop"s must carry (0 while unknown): the responder's
   * cookie for the initiator, which the accept carries. Only the two ends know it (peer_conns.ts,
   * `handleDrop`).
   */
  secret: number;
}

/**
 * Key strings by remote, one per club, so a lookup reuses a string whose hash is cached
 * instead of building (and hashing) a new one for every datagram. Bounded: emptied
 * wholesale when it gets large (remote addresses are remote input).
 */
const KEYS = new Map<Addr, string[]>();
const KEYS_MAX = 1 << 16;
/** Clubs whose keys are kept (anything else is built each time). */
const KEY_CLUBS = 256;

/** Key of a connection in its table: one connection per (remote, club, direction). */
export function connKey(remote: Addr, club: number): string {
  if (!(club >= 0 && club < KEY_CLUBS && club === (club | 0))) return `${club}|${remote}`;
  let keys = KEYS.get(remote);
  if (keys === undefined) {
    if (KEYS.size >= KEYS_MAX) KEYS.clear();
    KEYS.set(remote, keys = []);
  }
  return keys[club] ??= `${club}|${remote}`;
}
