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

/**
 * Gathers "have" seqs per download connection; see the module. The connections with seqs
 * waiting are few (a peer's in-club upstreams), so they sit in arrays scanned on each add
 * rather than in a Map: a Map emptied at every send and filled again reallocated its table
 * each time, and in the simulator those tables, living across a scavenge, were the largest
 * garbage of the old generation with the repair tracker's (docs/simulator.md, "Speed and
 * memory").
 */
export class HaveBatch {
  /** Connection of each gathering, in the order each began; undefined: handed back full. */
  readonly #conns: (DownConn | undefined)[] = [];
  /** Seqs of each gathering, beside its connection. */
  readonly #seqs: (number[] | undefined)[] = [];
  /** Slots in use (live or handed back) since the last take. */
  #used = 0;
  /** Live gatherings. */
  #live = 0;

  /**
   * Adds `seq` for `down`. Returns the seqs to send at once when that makes MAX_SEQS of them
   * (one datagram's worth), else undefined.
   */
  add(down: DownConn, seq: number): number[] | undefined {
    const conns = this.#conns;
    if (this.#live === 0) this.#clear(); // only holes left: start over
    for (let i = 0; i < this.#used; i++) {
      if (conns[i] !== down) continue;
      const seqs = this.#seqs[i]!;
      seqs.push(seq);
      if (seqs.length < MAX_SEQS) return undefined;
      conns[i] = undefined;
      this.#seqs[i] = undefined;
      this.#live--;
      return seqs;
    }
    conns[this.#used] = down;
    this.#seqs[this.#used] = [seq];
    this.#used++;
    this.#live++;
    return undefined;
  }

  /**
   * Hands `send` every connection's seqs, in the order they began, and forgets them. `send`
   * must not add to this batch (it queues the "have"s).
   */
  takeAll(send: (down: DownConn, seqs: number[]) => void): void {
    const used = this.#used;
    this.#used = 0;
    this.#live = 0;
    for (let i = 0; i < used; i++) {
      const down = this.#conns[i], seqs = this.#seqs[i];
      this.#conns[i] = undefined;
      this.#seqs[i] = undefined;
      if (down !== undefined) send(down, seqs!);
    }
  }

  /** Forgets the holes that full gatherings left (no live one remains). */
  #clear(): void {
    for (let i = 0; i < this.#used; i++) this.#conns[i] = this.#seqs[i] = undefined;
    this.#used = 0;
  }

  /** Connections with seqs waiting. */
  get size(): number {
    return this.#live;
  }
}
