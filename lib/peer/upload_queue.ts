/**
 * What a peer has to send, in the order it sends it. Control messages go first; then
 * signature blocks (every block of a batch waits for its signature, so it is urgent); then
 * blocks for in-club downstreams before blocks for downstreams in other clubs, except that
 * after `inRunMax` in-club blocks in a row one out-of-club block goes (patent [0048], which
 * keeps out-of-club connections from starving); then repairs answering a "want"; catch-up
 * blocks for a new connection last.
 * Whether a queued block is still worth sending is decided when it leaves the queue, so a
 * "have" that arrives while the block waits still saves the bytes. Blocks for an in-club
 * downstream that named another upstream its lead are first held for `holdMs`
 * (docs/protocol.md, "Lead upstreams"): most of them are then spared by that peer's "have".
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
  readonly at: number;
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
  readonly #blocks: Record<BlockClass, Deque<QueuedBlock>> = {
    auth: new Deque(),
    in: new Deque(),
    out: new Deque(),
    repair: new Deque(),
    bulk: new Deque(),
  };
  readonly #held = new Deque<QueuedBlock>();
  #inRun = 0;
  readonly #inRunMax: number;

  /** A queue that lets one out-of-club block through after `inRunMax` in-club ones. */
  constructor(inRunMax = 9) {
    this.#inRunMax = inRunMax;
  }

  /** Queues a control message. */
  control(to: Addr, msg: Msg): void {
    this.#control.push({ to, msg });
  }

  /** Queues a block for a connection. */
  block(cls: BlockClass, item: QueuedBlock): void {
    this.#blocks[cls].push(item);
  }

  /** Holds an in-club block until `item.at + holdMs`; it then joins the in-club queue. */
  hold(item: QueuedBlock): void {
    this.#held.push(item);
  }

  /** Moves held blocks whose time has come (`at <= now - holdMs`) to the in-club queue. */
  release(now: number, holdMs: number): void {
    for (let h = this.#held.peek(); h && h.at + holdMs <= now; h = this.#held.peek()) {
      this.#held.shift();
      this.#blocks.in.push({ ...h, at: h.at + holdMs });
    }
  }

  /** When the oldest held block is due, or undefined when none is held. */
  heldUntil(holdMs: number): number | undefined {
    const h = this.#held.peek();
    return h ? h.at + holdMs : undefined;
  }

  /** Blocks waiting, all classes. */
  get blocksWaiting(): number {
    const b = this.#blocks;
    return b.auth.length + b.in.length + b.out.length + b.repair.length + b.bulk.length;
  }

  /** Items waiting per class (and held), for diagnostics. */
  sizes(): Record<BlockClass | "held" | "control", number> {
    const b = this.#blocks;
    return {
      control: this.#control.length,
      held: this.#held.length,
      auth: b.auth.length,
      in: b.in.length,
      out: b.out.length,
      repair: b.repair.length,
      bulk: b.bulk.length,
    };
  }

  /** True when nothing waits to be sent now (held blocks do not count). */
  get empty(): boolean {
    return this.#control.length === 0 && this.blocksWaiting === 0;
  }

  /** The next control message, if any. */
  nextControl(): QueuedControl | undefined {
    return this.#control.shift();
  }

  /**
   * The next block by priority, with its class; ones the caller judges not worth sending
   * any more are skipped.
   */
  nextBlock(
    keep: (item: QueuedBlock, cls: BlockClass) => boolean,
  ): [QueuedBlock, BlockClass] | undefined {
    const b = this.#blocks;
    for (;;) {
      let q: Deque<QueuedBlock>;
      let cls: BlockClass;
      if (b.auth.length > 0) [q, cls] = [b.auth, "auth"];
      else if (b.out.length > 0 && (b.in.length === 0 || this.#inRun >= this.#inRunMax)) {
        [q, cls] = [b.out, "out"];
      } else if (b.in.length > 0) [q, cls] = [b.in, "in"];
      else if (b.repair.length > 0) [q, cls] = [b.repair, "repair"];
      else if (b.bulk.length > 0) [q, cls] = [b.bulk, "bulk"];
      else return undefined;
      const item = q.shift()!;
      if (!keep(item, cls)) continue;
      if (cls === "in") this.#inRun++;
      else if (cls === "out") this.#inRun = 0;
      return [item, cls];
    }
  }
}
