/**
 * A baseline node's send queue: control messages first, then blocks in the order they were
 * queued. A block that waited longer than the club protocol's `staleMs` (1.5 s) is dropped
 * when its turn comes, as the club peer's own queue does (lib/peer/peer_relay.ts), so no
 * design sends blocks too late to play. A queue may also be bounded in bytes, drop-tail, as
 * a UDP socket's send buffer is ({@link SOCKET_BUFFER_BYTES}, Linux's default
 * `net.core.wmem_default`): flooding, whose pushes exceed any upload, uses that bound.
 */
import { DEFAULT_CONFIG } from "../../lib/peer/config.ts";
import { Deque } from "../../lib/peer/deque.ts";
import type { Addr, Block, BlockMsg } from "../../lib/wire/messages.ts";
import type { Datagram, NodeStats, SimMsg } from "../design.ts";

/** Linux's default socket send buffer (`sysctl net.core.wmem_default`), bytes. */
export const SOCKET_BUFFER_BYTES = 212_992;

interface QueuedBlock {
  readonly to: Addr;
  readonly block: Block;
  readonly at: number;
  readonly bytes: number;
}

/** About the bytes a block takes in the buffer (payload or leaves and signature, plus fields). */
function bufferedBytes(b: Block): number {
  return (b.kind === "data" ? b.payload.length : b.count * 32 + 64) + 40;
}

/** How a queue orders the blocks for different receivers. */
export type QueueOrder = "fifo" | "fair";

/**
 * Control first, then blocks: first in, first out ("fifo"), or in turns between receivers,
 * first in, first out for each ("fair": as separate TCP connections would share a link);
 * bounded in bytes and in age.
 */
export class LinkQueue {
  readonly #control = new Deque<Datagram>();
  readonly #blocks = new Deque<QueuedBlock>();
  /** "fair": each receiver's blocks, and the receivers with blocks waiting, in turn. */
  readonly #fair: boolean;
  readonly #byDest = new Map<Addr, Deque<QueuedBlock>>();
  readonly #turns = new Deque<Addr>();
  #count = 0;
  readonly #clubs: number;
  readonly #limit: number;
  readonly #staleMs: number;
  #bytes = 0;
  #n = 0;

  /**
   * A queue for blocks of a stream of `clubs` clubs (a block's club is its seq mod clubs),
   * holding at most `limitBytes` of blocks (unbounded by default).
   */
  constructor(
    clubs: number,
    limitBytes = Infinity,
    order: QueueOrder = "fifo",
    staleMs = DEFAULT_CONFIG.staleMs,
  ) {
    this.#fair = order === "fair";
    this.#clubs = clubs;
    this.#limit = limitBytes;
    this.#staleMs = staleMs;
  }

  /** True when nothing waits. */
  get empty(): boolean {
    return this.#control.length === 0 && this.#count === 0;
  }

  /** Blocks waiting. */
  get blocks(): number {
    return this.#count;
  }

  /** Queues a control message (never dropped: they are few and small). */
  control(to: Addr, msg: SimMsg): void {
    this.#control.push({ to, msg });
  }

  /** Queues a block for `to`; false, and counted as dropped, when the buffer is full. */
  block(now: number, to: Addr, block: Block, stats: NodeStats): boolean {
    const bytes = bufferedBytes(block);
    if (this.#bytes + bytes > this.#limit) {
      stats.dropped.full = (stats.dropped.full ?? 0) + 1;
      return false;
    }
    this.#bytes += bytes;
    this.#count++;
    const item = { to, block, at: now, bytes };
    if (!this.#fair) this.#blocks.push(item);
    else {
      let d = this.#byDest.get(to);
      if (!d) this.#byDest.set(to, d = new Deque<QueuedBlock>());
      if (d.length === 0) this.#turns.push(to);
      d.push(item);
    }
    return true;
  }

  /** The next block in order, or undefined. */
  #take(): QueuedBlock | undefined {
    if (!this.#fair) return this.#blocks.shift();
    const to = this.#turns.shift();
    if (to === undefined) return undefined;
    const d = this.#byDest.get(to)!;
    const item = d.shift();
    if (d.length > 0) this.#turns.push(to);
    else this.#byDest.delete(to);
    return item;
  }

  /** The next datagram to send at `now`, dropping blocks that waited too long. */
  next(now: number, stats: NodeStats): Datagram | undefined {
    const ctl = this.#control.shift();
    if (ctl) return ctl;
    for (let q = this.#take(); q; q = this.#take()) {
      this.#bytes -= q.bytes;
      this.#count--;
      if (now - q.at > this.#staleMs) {
        stats.staleDropped++;
        continue;
      }
      const b = q.block;
      const msg: BlockMsg = {
        t: "block",
        club: b.seq % this.#clubs,
        hop: Math.floor(now) % 4294967296,
        n: this.#n = (this.#n + 1) % 4294967296,
        repair: false,
        block: b,
      };
      return { to: q.to, msg };
    }
    return undefined;
  }
}
