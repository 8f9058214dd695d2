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
import { BlockRing, type QueuedFields } from "./block_ring.ts";
import type { UpConn } from "./conns.ts";
import { Deque } from "./deque.ts";

/** The class of a queued block. */
export type BlockClass = "auth" | "in" | "out" | "repair" | "bulk";

/**
 * A block taken from the queue ({@link UploadQueue.nextBlock}). The queue keeps its blocks
 * field by field (block_ring.ts) and hands each out in one object of its own, rewritten by
 * the next call: read it, do not keep it.
 */
export interface QueuedBlock {
  /** The connection it goes out on; none for a repair (it answers a "want"). */
  readonly conn: UpConn | undefined;
  readonly to: Addr;
  readonly seq: number;
  /** When it was queued; a held block's is moved on by its hold when it is released. */
  readonly at: number;
  /** Catch-up: sent outside the connection's live stream (no counter, no delay judgement). */
  readonly catchUp: boolean;
}

/** A control message waiting. */
export interface QueuedControl {
  readonly to: Addr;
  readonly msg: Msg;
}

/** The send queue of one peer. */
export class UploadQueue {
  readonly #control = new Deque<QueuedControl>();
  readonly #auth = new BlockRing();
  readonly #in = new BlockRing();
  readonly #out = new BlockRing();
  readonly #repair = new BlockRing();
  readonly #bulk = new BlockRing();
  /**
   * Held blocks, one lane per hold length (ms): the lengths and their lanes in parallel
   * arrays, in the order the lengths first came (a handful; looked up for every hold).
   */
  readonly #holdLengths: number[] = [];
  readonly #lanes: BlockRing[] = [];
  /** The block nextBlock hands out, rewritten each time. */
  readonly #taken: QueuedFields = { conn: undefined, to: "", seq: 0, at: 0, catchUp: false };
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

  /**
   * Queues block `seq` of class `cls` for `to`, on connection `conn` (none for a repair),
   * queued at `at`; `catchUp` for history sent outside the connection's live stream.
   */
  block(
    cls: BlockClass,
    conn: UpConn | undefined,
    to: Addr,
    seq: number,
    at: number,
    catchUp = false,
  ): void {
    switch (cls) {
      case "auth":
        this.#auth.push(conn, to, seq, at, catchUp);
        this.#nAuth++;
        return;
      case "in":
        this.#in.push(conn, to, seq, at, catchUp);
        this.#nIn++;
        return;
      case "out":
        this.#out.push(conn, to, seq, at, catchUp);
        this.#nOut++;
        return;
      case "repair":
        this.#repair.push(conn, to, seq, at, catchUp);
        this.#nRepair++;
        return;
      case "bulk":
        this.#bulk.push(conn, to, seq, at, catchUp);
        this.#nBulk++;
        return;
    }
    throw new TypeError(`bad block class ${cls}`);
  }

  /**
   * Holds an in-club block (queued at `at`) until `at + holdMs`; it then joins the in-club
   * queue, its time queued moved on to that time. Holds are kept in one first-in-first-out
   * lane per length, so a long hold never keeps a shorter one queued behind it.
   */
  hold(conn: UpConn | undefined, to: Addr, seq: number, at: number, holdMs: number): void {
    const lengths = this.#holdLengths;
    let k = 0;
    while (k < lengths.length && !sameKey(lengths[k], holdMs)) k++;
    if (k === lengths.length) {
      k = this.#lanes.length;
      this.#holdLengths.push(holdMs);
      this.#lanes.push(new BlockRing());
    }
    this.#lanes[k].push(conn, to, seq, at, false);
    if (at + holdMs < this.#heldUntil) this.#heldUntil = at + holdMs;
    this.#nHeld++;
  }

  /** Moves held blocks whose time has come to the in-club queue. */
  release(now: number): void {
    if (!(this.#heldUntil <= now)) return;
    let next = Infinity;
    for (let k = 0; k < this.#lanes.length; k++) {
      const holdMs = this.#holdLengths[k], lane = this.#lanes[k];
      // headAt() is NaN once the lane is empty, which ends the loop.
      while (lane.headAt() + holdMs <= now) {
        lane.moveHead(this.#in, holdMs);
        this.#nHeld--;
        this.#nIn++;
      }
      if (lane.length > 0) next = Math.min(next, lane.headAt() + holdMs);
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

  /** Blocks for out-of-club downstreams waiting (the measure of saturation, upload_limit.ts). */
  get outWaiting(): number {
    return this.#nOut;
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
   * The next block by priority (its class then in {@link lastClass}), in the queue's own
   * object (rewritten by the next call); ones the caller judges not worth sending any more
   * are skipped. `keep` is handed `ctx` and `now` as they were
   * given, so a caller can pass one function made once rather than a closure per call (this
   * runs for every block sent).
   */
  nextBlock<C = undefined>(
    keep: (item: QueuedBlock, cls: BlockClass, ctx: C, now: number) => boolean,
    ctx?: C,
    now = 0,
  ): QueuedBlock | undefined {
    const item = this.#taken;
    for (;;) {
      let cls: BlockClass;
      if (this.#nAuth > 0) {
        this.#nAuth--;
        this.#auth.takeInto(item);
        cls = "auth";
      } else if (this.#nOut > 0 && (this.#nIn === 0 || this.#inRun >= this.#inRunMax)) {
        this.#nOut--;
        this.#out.takeInto(item);
        cls = "out";
      } else if (this.#nIn > 0) {
        this.#nIn--;
        this.#in.takeInto(item);
        cls = "in";
      } else if (this.#nRepair > 0) {
        this.#nRepair--;
        this.#repair.takeInto(item);
        cls = "repair";
      } else if (this.#nBulk > 0) {
        this.#nBulk--;
        this.#bulk.takeInto(item);
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
