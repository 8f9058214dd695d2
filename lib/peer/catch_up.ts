/**
 * Paced history for new downstreams. A joiner asks every new connection for recent history
 * at once; sent as one burst each, a dozen upstreams' histories arrive together, overflow
 * the joiner's socket buffer (a few hundred datagrams on a stock system) and take live
 * blocks down with them, which then look like loss and cost the new connections. So history
 * leaves at a bounded rate per connection, oldest first, fed into the send queue's catch-up
 * lane a few blocks per housekeeping tick.
 */
import type { UpConn } from "./conns.ts";

interface Pending {
  readonly seqs: readonly number[];
  next: number;
  credit: number;
}

/** History waiting to be sent, per connection. */
export class CatchUpFeed {
  readonly #pending = new Map<UpConn, Pending>();

  /** Connections with history still to send. */
  get size(): number {
    return this.#pending.size;
  }

  /** Queues `seqs` (oldest first) for `conn`, replacing what it still had waiting. */
  add(conn: UpConn, seqs: readonly number[]): void {
    if (seqs.length > 0) this.#pending.set(conn, { seqs, next: 0, credit: 0 });
  }

  /**
   * Gives every open connection `perConn` more blocks of credit and hands `put` that many
   * of its waiting seqs (a fraction carries over to the next call); closed connections
   * and finished histories are forgotten.
   */
  feed(perConn: number, put: (conn: UpConn, seq: number) => void): void {
    for (const [conn, f] of this.#pending) {
      if (conn.open) {
        f.credit += perConn;
        while (f.credit >= 1 && f.next < f.seqs.length) {
          put(conn, f.seqs[f.next++]);
          f.credit--;
        }
      }
      if (!conn.open || f.next >= f.seqs.length) this.#pending.delete(conn);
    }
  }
}
