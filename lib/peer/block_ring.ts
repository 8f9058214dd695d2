/**
 * A first-in-first-out ring of queued blocks (upload_queue.ts) kept field by field: the
 * numbers (seq, time queued, catch-up flag) in one typed array, the references (connection,
 * address) in one plain array. A peer queues a block per downstream for every block it
 * relays, so an object per queued block, and a pointer to it in a ring, cost an allocation,
 * a write barrier and a cache line each; here a block is three numbers and two references
 * beside its neighbours'. The capacity is a power of two, doubled when full, 4 when empty.
 */
import type { Addr } from "../wire/messages.ts";
import type { UpConn } from "./conns.ts";

/** A queued block's fields, as {@link BlockRing.takeInto} writes them. */
export interface QueuedFields {
  conn: UpConn | undefined;
  to: Addr;
  seq: number;
  at: number;
  catchUp: boolean;
}

/** Numbers per block in the typed array: seq, at, catchUp (0 or 1). */
const NUMS = 3;
/** References per block in the plain array: conn, to. */
const REFS = 2;

/** A FIFO of queued blocks. */
export class BlockRing {
  #nums = new Float64Array(4 * NUMS);
  #refs: (UpConn | Addr | undefined)[] = new Array(4 * REFS).fill(undefined);
  #head = 0;
  #length = 0;
  #mask = 3;

  /** Blocks waiting. */
  get length(): number {
    return this.#length;
  }

  /** Appends a block at the tail. */
  push(conn: UpConn | undefined, to: Addr, seq: number, at: number, catchUp: boolean): void {
    if (this.#length > this.#mask) this.#grow();
    const i = (this.#head + this.#length) & this.#mask;
    const n = i * NUMS, r = i * REFS;
    this.#nums[n] = seq;
    this.#nums[n + 1] = at;
    this.#nums[n + 2] = catchUp ? 1 : 0;
    this.#refs[r] = conn;
    this.#refs[r + 1] = to;
    this.#length++;
  }

  /** When the head block was queued (NaN when empty). */
  headAt(): number {
    return this.#length === 0 ? NaN : this.#nums[this.#head * NUMS + 1];
  }

  /** Removes the head block into `out`; false (and `out` untouched) when empty. */
  takeInto(out: QueuedFields): boolean {
    if (this.#length === 0) return false;
    const h = this.#head, n = h * NUMS, r = h * REFS;
    out.seq = this.#nums[n];
    out.at = this.#nums[n + 1];
    out.catchUp = this.#nums[n + 2] === 1;
    out.conn = this.#refs[r] as UpConn | undefined;
    out.to = this.#refs[r + 1] as Addr;
    // Cleared, so a queue that drained holds no connection alive.
    this.#refs[r] = this.#refs[r + 1] = undefined;
    this.#head = (h + 1) & this.#mask;
    this.#length--;
    return true;
  }

  /** Moves the head block to the tail of `to`, its time queued moved on by `addMs`. */
  moveHead(to: BlockRing, addMs: number): void {
    const h = this.#head, n = h * NUMS, r = h * REFS;
    to.push(
      this.#refs[r] as UpConn | undefined,
      this.#refs[r + 1] as Addr,
      this.#nums[n],
      this.#nums[n + 1] + addMs,
      this.#nums[n + 2] === 1,
    );
    this.#refs[r] = this.#refs[r + 1] = undefined;
    this.#head = (h + 1) & this.#mask;
    this.#length--;
  }

  #grow(): void {
    const cap = this.#mask + 1, nums = new Float64Array(cap * 2 * NUMS);
    const refs: (UpConn | Addr | undefined)[] = new Array(cap * 2 * REFS).fill(undefined);
    for (let k = 0; k < cap; k++) {
      const i = (this.#head + k) & this.#mask;
      for (let f = 0; f < NUMS; f++) nums[k * NUMS + f] = this.#nums[i * NUMS + f];
      for (let f = 0; f < REFS; f++) refs[k * REFS + f] = this.#refs[i * REFS + f];
    }
    this.#nums = nums;
    this.#refs = refs;
    this.#head = 0;
    this.#mask = cap * 2 - 1;
  }
}
