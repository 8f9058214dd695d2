/**
 * Congestion control on one download connection (patent [0051]-[0053]).
 *
 * - Delay: each block carries the source's transmit time (`srcTime`) [0051]. Clocks are
 *   not synchronised, so the delay is measured against the smallest seen on this connection
 *   (LEDBAT's base delay): the excess is queueing, in the uploader's send queue or anywhere
 *   upstream of it. Past the threshold that the source puts in its signature blocks, the
 *   connection is too slow.
 * - Loss: each connection numbers its datagrams (`n`). A skipped block after a "have" is
 *   not a gap, since the counter only advances on datagrams really sent. The patent drops a
 *   connection on any gap [0052]; on the open internet 1% random loss would then tear down
 *   every connection every few seconds, so a connection is dropped when more than
 *   `maxLoss` datagrams of the last `lossWindow` were lost (docs/protocol.md). A datagram
 *   that comes after a later one (reordered: a busy sender's socket, a network path) was
 *   not lost: it takes back the loss its gap counted. Nor is a datagram this peer's own
 *   socket dropped for a full receive buffer lost on the link: the caller says how many of
 *   a gap its own socket may explain, and those are not held against the connection.
 * - Idle: a connection that delivered nothing for `idleMs` is dead [0053].
 */

/** Why a download connection should be dropped, or "ok". */
export type DownVerdict = "ok" | "delay" | "loss";

/** Options of a {@link DownMonitor}. */
export interface DownMonitorOptions {
  readonly lossWindow: number;
  readonly maxLoss: number;
}

/** Delay, loss and idleness of one download connection. */
export class DownMonitor {
  #base: number | undefined;
  #lastN = -1;
  /**
   * The outcomes of the last `lossWindow` counter values, slot `n % lossWindow` for counter
   * `n`: 1 lost (skipped by the counter and not come since), 0 received.
   */
  #ring: Uint8Array;
  #lostInRing = 0;
  /** Datagrams that came after a later one. */
  reordered = 0;
  /** Local time of the last datagram, or of the connection's start. */
  // A number from the start (not a bare declaration, which starts undefined): V8 then keeps
  // it unboxed, where each store of a fraction would allocate (it is set for every block).
  lastRecv = 0;
  /** The queueing delay, ms: the least excess over the last few blocks. */
  excessMs = 0;
  /** The excess delay of the latest block alone, ms (no filter: how late things are now). */
  lastExcessMs = 0;
  /** The last few blocks' excess delays: one late block (say, relayed after its own
   * repair) is not congestion; a connection whose every recent block is late is. */
  #recent = new Float64Array(8);
  #recentPos = 0;
  /** Datagrams lost on this connection so far (not counting those excused). */
  lost = 0;
  /** Datagrams of gaps excused so far: the receiver's own socket dropped as many. */
  excused = 0;
  /** Of the gap before the latest datagram, how many were excused. */
  excusedBefore = 0;
  /** Live blocks received on this connection so far. */
  blocks = 0;
  /** Datagrams the counter skipped just before the latest one (lost, or yet to come). */
  skippedBefore = 0;
  readonly #opts: DownMonitorOptions;

  /** A monitor for a connection opened at `now`. */
  constructor(now: number, opts: DownMonitorOptions) {
    this.lastRecv = now;
    this.#opts = opts;
    this.#ring = new Uint8Array(opts.lossWindow);
  }

  #mark(n: number, lost: 0 | 1): void {
    const i = n % this.#ring.length;
    this.#lostInRing += lost - this.#ring[i];
    this.#ring[i] = lost;
  }

  /**
   * Accounts a block datagram received at `now`, sent by the source at `srcTime` (its own
   * clock), with connection counter `n`; `thresholdMs` is the source's delay threshold. Up
   * to `excusable` datagrams of a gap before it are not counted as the link's loss (the
   * receiver's own socket dropped that many): `excusedBefore` says how many were.
   */
  onBlock(
    now: number,
    srcTime: number,
    n: number,
    thresholdMs: number,
    excusable = 0,
  ): DownVerdict {
    this.lastRecv = now;
    this.blocks++;
    this.skippedBefore = this.#lastN >= 0 && n > this.#lastN + 1 ? n - this.#lastN - 1 : 0;
    const delay = now - srcTime;
    if (this.#base === undefined || delay < this.#base) this.#base = delay;
    this.lastExcessMs = delay - this.#base;
    this.#recent[this.#recentPos] = this.lastExcessMs;
    this.#recentPos = (this.#recentPos + 1) % this.#recent.length;
    const r = this.#recent;
    let min = r[0];
    for (let i = 1; i < r.length; i++) if (r[i] < min) min = r[i];
    this.excessMs = min;
    const w = this.#ring.length;
    this.excusedBefore = 0;
    if (this.#lastN >= 0 && n > this.#lastN) {
      // Cap the accounted gap: a huge jump is one event, not a flood of losses.
      const gap = Math.min(n - this.#lastN - 1, w);
      const excused = Math.max(0, Math.min(gap, excusable));
      // The excused ones are marked received: one of them coming late is then no reorder.
      for (let m = n - gap; m < n; m++) this.#mark(m, m < n - gap + excused ? 0 : 1);
      this.lost += gap - excused;
      this.excused += excused;
      this.excusedBefore = excused;
    }
    if (n > this.#lastN) {
      this.#lastN = n;
      this.#mark(n, 0);
    } else if (n >= 0 && n > this.#lastN - w && this.#ring[n % w] === 1) {
      // A reordered datagram: counted lost when the counter skipped it, it was not.
      this.reordered++;
      this.#mark(n, 0);
      this.lost--;
    }
    if (this.excessMs > thresholdMs) return "delay";
    if (this.#lostInRing > this.#opts.maxLoss) return "loss";
    return "ok";
  }

  /**
   * The upstream's counter starts again (it made the connection afresh): the next datagram
   * sets the count anew, with no gap before it; the loss already counted stays.
   */
  restartCounter(): void {
    this.#lastN = -1;
  }

  /** The highest counter received on this connection, 0 before any (conn_counter.ts). */
  get newest(): number {
    return this.#lastN < 0 ? 0 : this.#lastN;
  }

  /** True when nothing arrived for `idleMs`. */
  idle(now: number, idleMs: number): boolean {
    return now - this.lastRecv > idleMs;
  }
}
