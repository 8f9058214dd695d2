/**
 * Binds a sans-IO protocol node (lib/peer/node.ts) to a transport and one timer. Every
 * input (a datagram, the timer, or a `poke()` after the program fed the node) is followed
 * by draining `pollTransmit` into the transport and `pollEvent` into the program, then by
 * re-arming the single timer for `pollTimeout()`. Datagrams that do not decode, or belong to
 * another channel, are counted and dropped: remote bytes never crash the program.
 */
import type { PeerEvent } from "../peer/events.ts";
import type { ProtocolNode } from "../peer/node.ts";
import { MAX_DATAGRAM } from "../wire/budget.ts";
import { decodeDatagram, encodeDatagram } from "../wire/codec.ts";
import { headTag } from "../wire/head.ts";
import type { Addr, Msg } from "../wire/messages.ts";
import { wallClock } from "./clock.ts";
import type { Transport } from "./transport.ts";
import { sharedGrid, type WakeGrid } from "./wake_grid.ts";

/** How the driver is set up. */
export interface DriverOptions {
  /** The channel tag every datagram carries (lib/wire/tag.ts). */
  readonly tag: number;
  /** The clock, integer ms (default wallClock). */
  readonly clock?: () => number;
  /** Receives every event of the node, in order. */
  readonly onEvent?: (event: PeerEvent, now: number) => void;
  /** Told about local failures: the node threw, or a message would not encode. */
  readonly onError?: (error: unknown) => void;
  /**
   * Upload cap, bits per second, counting 28 bytes of IP and UDP headers per datagram (0 or
   * absent: none). Datagrams over the cap stay queued in the node, so its own send-queue
   * delay and saturation logic see the bottleneck instead of the OS dropping them.
   */
  readonly maxBps?: number;
  /**
   * Asked about every decoded message and its sender; when it returns a promise, that
   * message reaches the node only once it settles (native signature checks:
   * lib/net/native_verify.ts), and so do the same sender's later messages, which keep their
   * order.
   */
  readonly gate?: (msg: Msg, from: Addr) => Promise<void> | undefined;
}

/** What the driver counted. */
export interface DriverStats {
  /** Datagrams decoded and handed to the node. */
  delivered: number;
  /** Datagrams that did not decode. */
  malformed: number;
  /** Datagrams of another channel. */
  otherChannel: number;
  /** Datagrams sent. */
  sent: number;
  /** Messages the node asked to send that would not encode (a local bug). */
  encodeFailed: number;
  /** Times the node threw (a local bug; the driver carries on). */
  nodeErrors: number;
  /**
   * Most ms the timer fired late since `takeLateMs()` last read it: how long the event
   * loop was busy elsewhere (a busy machine delays both timers and socket reads).
   */
  lateMs: number;
  /** Times the timer fired. */
  wakeups: number;
}

/** Most datagrams sent in one go before yielding to the event loop. */
const BURST = 4096;

/** Drives one node over one transport. */
export class NodeDriver {
  readonly node: ProtocolNode;
  readonly transport: Transport;
  readonly stats: DriverStats = {
    delivered: 0,
    malformed: 0,
    otherChannel: 0,
    sent: 0,
    encodeFailed: 0,
    nodeErrors: 0,
    lateMs: 0,
    wakeups: 0,
  };
  readonly #o: DriverOptions;
  readonly #clock: () => number;
  /** Cancels the armed timer, if one is. */
  #cancelTimer: (() => void) | undefined;
  #timerAt = Infinity;
  /** The transport's batching grid, when it has one: the timer fires on it (wake_grid.ts). */
  readonly #grid: WakeGrid | undefined;
  /** Per sender, messages waiting for the gate (or behind one that does), in arrival order. */
  readonly #held = new Map<Addr, { msg: Msg; ready: boolean }[]>();
  #running = false;
  /** Upload pacing: a token bucket in bytes, refilled at maxBps / 8 per second. */
  #tokens = 0;
  #tokensAt = 0;
  readonly #bytesPerMs: number;
  readonly #burst: number;
  /** Where datagrams are encoded for a transport that `copiesOnSend` (else undefined). */
  readonly #scratch: Uint8Array | undefined;

  /** A driver; nothing happens until `start()`. */
  constructor(node: ProtocolNode, transport: Transport, options: DriverOptions) {
    this.node = node;
    this.transport = transport;
    this.#o = options;
    this.#clock = options.clock ?? wallClock;
    const bps = options.maxBps ?? 0;
    if (!(bps >= 0)) throw new RangeError("maxBps must be >= 0");
    this.#bytesPerMs = bps / 8000;
    // A burst of 20 ms of the rate, and never less than a dozen full datagrams.
    this.#burst = Math.max(12 * (1200 + 28), this.#bytesPerMs * 20);
    this.#tokens = this.#burst;
    this.#grid = transport.batchMs ? sharedGrid(transport.batchMs) : undefined;
    this.#scratch = transport.copiesOnSend ? new Uint8Array(MAX_DATAGRAM) : undefined;
  }

  /** The driver's clock. */
  now(): number {
    return this.#clock();
  }

  /** Starts receiving and runs the node's first round. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#overflowSeen = this.transport.stats.receiveOverflow;
    this.transport.onReceive((from, bytes) => this.#receive(from, bytes));
    this.#guard(() => this.node.handleTimeout(this.now()));
    this.poke();
  }

  /** Stops the timer and ignores later datagrams (the transport stays open). */
  stop(): void {
    this.#running = false;
    this.#held.clear();
    this.transport.onReceive(() => {});
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerAt = Infinity;
  }

  /** Call after feeding the node from outside (stream input, tracker peers). */
  poke(): void {
    if (this.#running) this.#service(this.now());
  }

  #receive(from: Addr, bytes: Uint8Array): void {
    if (!this.#running) return;
    // The socket's own drops are told before the datagrams read after them, whose gaps
    // they may explain.
    const overflow = this.transport.stats.receiveOverflow;
    if (overflow !== this.#overflowSeen) {
      const count = overflow - this.#overflowSeen;
      this.#overflowSeen = overflow;
      if (count > 0) this.#guard(() => this.node.noteReceiveOverflow?.(this.now(), count));
    }
    // Junk mostly shows at its first bytes that it is no datagram of this channel: dropped
    // before a full decode (several times dearer, lib/wire/head.ts).
    const head = headTag(bytes);
    if (head === null) {
      this.stats.malformed++;
      return;
    }
    if (head !== undefined && head !== this.#o.tag) {
      this.stats.otherChannel++;
      return;
    }
    const r = decodeDatagram(bytes);
    if (!r.ok) {
      this.stats.malformed++;
      return;
    }
    if (r.tag !== this.#o.tag) {
      this.stats.otherChannel++;
      return;
    }
    const waitFor = this.#o.gate?.(r.msg, from);
    const queue = this.#held.size === 0 ? undefined : this.#held.get(from);
    if (!waitFor && !queue) return this.#deliver(from, r.msg);
    // A sender's messages reach the node in the order they came: one held back by the gate
    // holds back the later ones of the same sender (others pass). Out of order, a block's
    // connection counter would read as a lost datagram, and enough such "losses" drop the
    // connection: a peer relaying a few thousand blocks a second lost its upstream to this.
    const item = { msg: r.msg, ready: !waitFor };
    if (queue) queue.push(item);
    else this.#held.set(from, [item]);
    if (waitFor) {
      void waitFor.then(() => {
        item.ready = true;
        this.#release(from);
      });
    }
  }

  /** Delivers a sender's held messages from the front, up to the first still waiting. */
  #release(from: Addr): void {
    const queue = this.#held.get(from);
    if (!queue) return;
    while (queue.length > 0 && queue[0].ready) this.#deliver(from, queue.shift()!.msg);
    if (queue.length === 0) this.#held.delete(from);
  }

  #deliver(from: Addr, msg: Msg): void {
    if (!this.#running) return;
    this.stats.delivered++;
    const now = this.now();
    // try/catch in place, not a closure per datagram
    try {
      this.node.handleMessage(now, from, msg);
    } catch (e) {
      this.#fail(e);
    }
    // What the node has to send goes out once the transport has handed over every datagram
    // it read in one go (a socket drained on a grid hands over dozens synchronously): one
    // service per batch, not per datagram, and the node's "have"s of the batch's blocks
    // leave as one per upstream (lib/peer/have_batch.ts).
    if (this.#servicePending) return;
    this.#servicePending = true;
    queueMicrotask(this.#serviceSoon);
  }

  /** The transport's `receiveOverflow` when last told to the node. */
  #overflowSeen = 0;

  /** A service asked for by {@link #deliver} and not yet run. */
  #servicePending = false;
  /** Runs that service if it still waits: made once, not a closure per datagram. */
  readonly #serviceSoon = (): void => {
    if (!this.#servicePending) return;
    this.#servicePending = false;
    if (this.#running) this.#service(this.now());
  };

  /**
   * Runs now the service that the datagrams delivered since the last one asked for, which
   * otherwise runs once the transport has handed over its batch: for callers that hand
   * datagrams in themselves and look at once at what was sent (the fuzzer, benchmarks).
   */
  flush(): void {
    this.#serviceSoon();
  }

  /** Reads and resets `stats.lateMs`. */
  takeLateMs(): number {
    const l = this.stats.lateMs;
    this.stats.lateMs = 0;
    return l;
  }

  #fire(): void {
    // On a grid the timer was meant to fire at the grid point, not before.
    const due = this.#grid ? this.#grid.ceil(this.#timerAt) : this.#timerAt;
    this.#cancelTimer = undefined;
    this.#timerAt = Infinity;
    if (!this.#running) return;
    this.stats.wakeups++;
    const now = this.now();
    this.stats.lateMs = Math.max(this.stats.lateMs, now - due);
    this.#guard(() => this.node.handleTimeout(now));
    this.#service(now);
  }

  #service(now: number): void {
    const paced = this.#bytesPerMs > 0;
    if (paced) {
      this.#tokens = Math.min(
        this.#burst,
        this.#tokens + (now - this.#tokensAt) * this.#bytesPerMs,
      );
      this.#tokensAt = now;
    }
    let n = 0;
    for (; n < BURST; n++) {
      if (paced && this.#tokens <= 0) break;
      let out: { to: Addr; msg: Parameters<typeof encodeDatagram>[1] } | undefined;
      try {
        out = this.node.pollTransmit(now);
      } catch (e) {
        this.#fail(e);
        break;
      }
      if (!out) break;
      let bytes: Uint8Array;
      try {
        bytes = encodeDatagram(this.#o.tag, out.msg, this.#scratch);
      } catch (e) {
        this.stats.encodeFailed++;
        this.#o.onError?.(e);
        continue;
      }
      this.transport.send(out.to, bytes);
      this.stats.sent++;
      if (paced) this.#tokens -= bytes.length + 28;
    }
    for (let e = this.node.pollEvent(); e; e = this.node.pollEvent()) this.#o.onEvent?.(e, now);
    // A full burst means more may wait: come back after the event loop had its turn. Out of
    // tokens: come back when there are some again.
    let next = n === BURST ? now : this.node.pollTimeout();
    if (paced && this.#tokens <= 0 && this.node.hasPending()) {
      next = Math.min(next, now + Math.max(1, Math.ceil((1 - this.#tokens) / this.#bytesPerMs)));
    }
    this.#arm(next, now);
  }

  #arm(at: number, now: number): void {
    if (!Number.isFinite(at) || at >= this.#timerAt) return;
    this.#cancelTimer?.();
    this.#timerAt = at;
    const fire = () => this.#fire();
    const ms = Math.max(0, at - now);
    if (this.#grid && ms > 0) this.#cancelTimer = this.#grid.schedule(fire, ms);
    else {
      const t = setTimeout(fire, ms);
      this.#cancelTimer = () => clearTimeout(t);
    }
  }

  #guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.#fail(e);
    }
  }

  #fail(e: unknown): void {
    this.stats.nodeErrors++;
    this.#o.onError?.(e);
  }
}
