/**
 * Connection records. Connections are one-way [0025]: on an upload connection this peer
 * sends the blocks of `club`; on a download connection it receives them. A connection is
 * in-club when both ends belong to `club` (the source belongs to every club).
 */
import type { Addr } from "../wire/messages.ts";
import type { DownMonitor } from "./down_monitor.ts";

/** This peer sends `club`'s blocks to `remote`. */
export interface UpConn {
  readonly kind: "up";
  readonly remote: Addr;
  readonly club: number;
  readonly inClub: boolean;
  readonly since: number;
  /** False once dropped; queued sends for a closed connection are discarded. */
  open: boolean;
  /** Accepted by the remote (always true when the remote initiated). */
  accepted: boolean;
  /** Per-connection datagram counter (gap detection at the receiver). */
  n: number;
  lastKeepalive: number;
  /** Sequence numbers the remote said it has (in-club only), pruned to a window. */
  readonly haves: Set<number>;
  /** Sequence numbers already sent on this connection, pruned to a window. */
  readonly sent: Set<number>;
  /** The downstream named us its lead in-club upstream (push at once), or not (hold). */
  lead: boolean;
}

/** This peer receives `club`'s blocks from `remote`. */
export interface DownConn {
  readonly kind: "down";
  readonly remote: Addr;
  readonly club: number;
  readonly inClub: boolean;
  readonly since: number;
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
}

/** Key of a connection in its table: one connection per (remote, club, direction). */
export function connKey(remote: Addr, club: number): string {
  return `${club}|${remote}`;
}
