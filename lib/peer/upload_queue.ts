/**
 * What a peer has to send, in the order it sends it. Control messages go first; then
 * signature blocks (every block of a batch waits for its signature, so it is urgent); then
 * blocks for in-club downstreams before blocks for downstreams in other clubs, except that
 * after `inRunMax` in-club blocks in a row one out-of-club block goes (patent [0048], which
 * keeps out-of-club connections from starving); then repairs answering a "want"; catch-up
 * blocks for a new connection last.
 * Whether a queued block is still worth sending is decided when it leaves the queue, so a
 * "have" that arrives while the block waits still saves the bytes. Blocks for an in-club
 * downstream that named another upstream its lead are first held for a while (peer_relay.ts,
 * `holdFor`; docs/protocol.md, "Lead upstreams"): most are then spared by that peer's "have".
 *
 * The driver asks `empty`, `heldUntil` and `release` after every event, so the queue keeps
 * its counts and the due time of its oldest held block in its own fields: answering them
 * does not visit the per-class queues.
 */
import type { Addr, Msg } from "../wire/messages.ts";
import type { UpConn } from "./conns.ts";
import { Deque } from "./deque.ts";

/** The class of a queued block. */
export type BlockClass = "auth" | "in" | "out" | "repair" | "bulk";

/** A block waiting to be sent. */
export interface QueuedBlock {
  /** The connection it goes out on; none for a repair (it answers a "want"). */
  readonly conn: UpConn | undefined;
  readonly to: Addr;
  readonly seq: number;
  /** When it was queued; a held block's is moved on by its hold when it is released. */
  at: number;
  /** Catch-up: sent outside the connection's live stream (no counter, no delay judgement). */
  readonly catchUp?: boolean;
}

/** A control message waiting. */
export interface QueuedControl {
  readonly to: Addr;
  readonly msg: Msg;
}

/** The send queue of one peer. */
export class UploadQueue {
  readonly #control = new Deque<QueuedControl>();
  readonly #auth = new Deque<QueuedBlock>();
  readonly #in = new Deque<QueuedBlock>();
  readonly #out = new Deque<QueuedBlock>();
  readonly #repair = new Deque<QueuedBlock>();
  readonly #bulk = new Deque<QueuedBlock>();
  /**
   * Held blocks, one lane per hold length (ms): the lengths and their lanes in parallel
   * arrays, in the order the lengths first came (a handful; looked up for every hold).
   */
  readonly #holdLengths: number[] = [];
  readonly #lanes: Deque<QueuedBlock>[] = [];
  #nHeld = 0;
  /** When the next held block is due, Infinity when none is held. */
  #heldUntil = Infinity;
  #nControl = 0;
  #nAuth = 0;
  #nIn = 0;
  #nOut = 0;
  #nRepair = 0;
  #nBulk = 0;
  #inRun = 0;
  readonly #inRunMax: number;
  readonly #maxControl: number;
  /** Control messages not queued because `maxControl` were waiting. */
  controlDropped = 0;
  /** The class of the block {@link nextBlock} returned last. */
  lastClass: BlockClass = "auth";

  /**
   * A queue that lets one out-of-club block through after `inRunMax` in-club ones and holds
   * at most `maxControl` control messages (a flood of pings must not grow it while the
   * upload is paced).
   */
  constructor(inRunMax = 9, maxControl = 4096) {
    this.#inRunMax = inRunMax;
    this.#maxControl = maxControl;
  }

  /** Queues a control message; false (and counted) when `maxControl` already wait. */
  control(to: Addr, msg: Msg): boolean {
    if (this.#nControl >= this.#maxControl) {
      this.controlDropped++;
      return false;
    }
    this.#control.push({ to, msg });
    this.#nControl++;
    return true;
  }

  /** Queues a block for a connection. */
  block(cls: BlockClass, item: QueuedBlock): void {
    switch (cls) {
      case "auth":
        this.#auth.push(item);
        this.#nAuth++;
        return;
      case "in":
        this.#in.push(item);
        this.#nIn++;
        return;
      case "out":
        this.#out.push(item);
        this.#nOut++;
        return;
      case "repair":
        this.#repair.push(item);
        this.#nRepair++;
        return;
      case "bulk":
        this.#bulk.push(item);
        this.#nBulk++;
        return;
    }
    throw new TypeError(`bad block class ${cls}`);
  }

  /**
   * Holds an in-club block until `item.at + holdMs`; it then joins the in-club queue, its
   * `at` moved on to that time (the queue takes the item over: the caller must not share it).
   * Holds are kept in one first-in-first-out lane per length, so a long hold never keeps a
   * shorter one queued behind it.
   */
  hold(item: QueuedBlock, holdMs: number): void {
    const lengths = this.#holdLengths;
    let k = 0;
    while (k < lengths.length && !sameKey(lengths[k], holdMs)) k++;
    if (k === lengths.length) {
      k = this.#lanes.length;
      this.#holdLengths.push(holdMs);
      this.#lanes.push(new Deque<QueuedBlock>());
    }
    this.#lanes[k].push(item);
    if (item.at + holdMs < this.#heldUntil) this.#heldUntil = item.at + holdMs;
    this.#nHeld++;
  }

  /** Moves held blocks whose time has come to the in-club queue. */
  release(now: number): void {
    if (!(this.#heldUntil <= now)) return;
    let next = Infinity;
    for (let k = 0; k < this.#lanes.length; k++) {
      const holdMs = this.#holdLengths[k], lane = this.#lanes[k];
      for (let h = lane.peek(); h && h.at + holdMs <= now; h = lane.peek()) {
        lane.shift();
        this.#nHeld--;
        // The held item is the queue's own (hold() took it over), so it moves on in place
        // rather than as a copy: one object less per held block.
        h.at += holdMs;
        this.#in.push(h);
        this.#nIn++;
      }
      const head = lane.peek();
      if (head) next = Math.min(next, head.at + holdMs);
    }
    this.#heldUntil = next;
  }

  /** When the next held block is due, or undefined when none is held. */
  heldUntil(): number | undefined {
    return this.#heldUntil === Infinity ? undefined : this.#heldUntil;
  }

  /** Blocks waiting, all classes. */
  get blocksWaiting(): number {
    return this.#nAuth + this.#nIn + this.#nOut + this.#nRepair + this.#nBulk;
  }

  /** Items waiting per class (and held), for diagnostics. */
  sizes(): Record<BlockClass | "held" | "control", number> {
    return {
      control: this.#nControl,
      held: this.#nHeld,
      auth: this.#nAuth,
      in: this.#nIn,
      out: this.#nOut,
      repair: this.#nRepair,
      bulk: this.#nBulk,
    };
  }

  /** True when nothing waits to be sent now (held blocks do not count). */
  get empty(): boolean {
    return this.#nControl === 0 && this.blocksWaiting === 0;
  }

  /** The next control message, if any. */
  nextControl(): QueuedControl | undefined {
    if (this.#nControl === 0) return undefined;
    this.#nControl--;
    return this.#control.shift();
  }

  /**
   * The next block by priority (its class then in {@link lastClass}); ones the caller judges
   * not worth sending any more are skipped. `keep` is handed `ctx` and `now` as they were
   * given, so a caller can pass one function made once rather than a closure per call (this
   * runs for every block sent).
   */
  nextBlock<C = undefined>(
    keep: (item: QueuedBlock, cls: BlockClass, ctx: C, now: number) => boolean,
    ctx?: C,
    now = 0,
  ): QueuedBlock | undefined {
    for (;;) {
      let item: QueuedBlock;
      let cls: BlockClass;
      if (this.#nAuth > 0) {
        this.#nAuth--;
        item = this.#auth.shift()!;
        cls = "auth";
      } else if (this.#nOut > 0 && (this.#nIn === 0 || this.#inRun >= this.#inRunMax)) {
        this.#nOut--;
        item = this.#out.shift()!;
        cls = "out";
      } else if (this.#nIn > 0) {
        this.#nIn--;
        item = this.#in.shift()!;
        cls = "in";
      } else if (this.#nRepair > 0) {
        this.#nRepair--;
        item = this.#repair.shift()!;
        cls = "repair";
      } else if (this.#nBulk > 0) {
        this.#nBulk--;
        item = this.#bulk.shift()!;
        cls = "bulk";
      } else return undefined;
      if (!keep(item, cls, ctx as C, now)) continue;
      if (cls === "in") this.#inRun++;
      else if (cls === "out") this.#inRun = 0;
      this.lastClass = cls;
      return item;
    }
  }
}

/** Equal as keys of a Map are (NaN matches NaN), as the lanes were once looked up. */
function sameKey(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
