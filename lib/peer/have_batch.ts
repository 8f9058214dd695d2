/**
 * "have"s gathered per in-club upstream until the peer next sends, then sent as one. A peer
 * tells each in-club upstream of its club of every block it gets [0046]: one datagram per
 * block and upstream made nearly half of a relaying peer's datagrams, in and out
 * (bench/README.md, "Session 20"). Nothing waits for this: the seqs of every block that came
 * since the peer last sent leave in one "have" per upstream the next time it sends (at once
 * where the uplink is free; the real peer sends once per batch of datagrams its socket
 * hands it, lib/net/driver.ts), where each used to take its own datagram.
 */
import { MAX_SEQS } from "../wire/budget.ts";
import type { DownConn } from "./conns.ts";

/** Gathers "have" seqs per download connection; see the module. */
export class HaveBatch {
  /** Seqs per connection, in the order of each one's first seq. */
  readonly #open = new Map<DownConn, number[]>();

  /**
   * Adds `seq` for `down`. Returns the seqs to send at once when that makes MAX_SEQS of them
   * (one datagram's worth), else undefined.
   */
  add(down: DownConn, seq: number): number[] | undefined {
    const seqs = this.#open.get(down);
    if (seqs === undefined) {
      this.#open.set(down, [seq]);
      return undefined;
    }
    seqs.push(seq);
    if (seqs.length < MAX_SEQS) return undefined;
    this.#open.delete(down);
    return seqs;
  }

  /** Hands `send` every connection's seqs, in the order they began, and forgets them. */
  takeAll(send: (down: DownConn, seqs: number[]) => void): void {
    for (const [down, seqs] of this.#open) {
      this.#open.delete(down);
      send(down, seqs);
    }
  }

  /** Connections with seqs waiting. */
  get size(): number {
    return this.#open.size;
  }
}
