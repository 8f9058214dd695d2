/**
 * A stalled node is not a silent network. When a peer's process does not run for a while (a
 * busy machine, a garbage-collection pause, a laptop waking up), the datagrams of that time
 * wait in its socket buffer, and on waking every connection looks silent at once: it would
 * drop all its uploads for missing keep-alives and all its downloads as idle, and ban their
 * peers, though nobody failed. So time the node did not run does not count as silence: on
 * waking, the clocks that silence is measured from move forward by the stall.
 */
import type { PeerCore } from "./peer.ts";

/**
 * Moves forward, by `ms`, every timestamp a silence or a timeout is measured from: each
 * download's last arrival, each upload's last keep-alive and delivery check (audit.ts), a
 * pending connection request's start, and an unanswered ping.
 */
export function forgiveStall(p: PeerCore, ms: number): void {
  if (!(ms > 0)) return;
  for (const d of p.downs.values()) {
    d.monitor.lastRecv += ms;
    if (!d.accepted) d.since += ms;
  }
  for (const u of p.ups.values()) {
    u.lastKeepalive += ms;
    u.auditAt += ms;
    if (!u.accepted) u.since += ms;
  }
  for (const k of p.directory.all()) if (k.pingAt > k.pongAt) k.pingAt += ms;
}
