/**
 * The verified blocks a peer holds, for relaying, catch-up of new downstreams and repair.
 * Only the newest `capacity` sequence numbers are kept, so memory is bounded: the blocks sit
 * in a ring of `capacity` slots indexed by `seq % capacity` (no two seqs of the window share
 * a slot), which costs one pointer per slot instead of a map entry per block.
 */
import type { Block } from "../wire/messages.ts";

/** A bounded map from sequence number to verified block. */
export class BlockStore {
  readonly #slots: (Block | undefined)[];
  /** When each held block was put, on the peer's clock. */
  readonly #putAt: Float64Array;
  readonly #capacity: number;
  #top = -1;
  #size = 0;

  /** A store keeping the newest `capacity` sequence numbers. */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`bad capacity ${capacity}`);
    }
    this.#capacity = capacity;
    this.#slots = new Array(capacity).fill(undefined);
    this.#putAt = new Float64Array(capacity);
  }

  /** The highest sequence number held, -1 if none. */
  get top(): number {
    return this.#top;
  }

  /** The lowest sequence number still kept. */
  get floor(): number {
    return Math.max(0, this.#top - this.#capacity + 1);
  }

  /** Keeps a verified block, put at `now`; older ones past the window are dropped. */
  put(block: Block, now = 0): void {
    const seq = block.seq;
    if (seq < this.floor) return;
    if (seq > this.#top) {
      const oldFloor = this.floor;
      this.#top = seq;
      const floor = this.floor;
      if (floor - oldFloor >= this.#capacity) {
        this.#slots.fill(undefined);
        this.#size = 0;
      } else {
        for (let s = oldFloor; s < floor; s++) this.#clear(s);
      }
    }
    const i = seq % this.#capacity;
    if (this.#slots[i] === undefined) this.#size++;
    this.#slots[i] = block;
    this.#putAt[i] = now;
  }

  #clear(seq: number): void {
    const i = seq % this.#capacity;
    const b = this.#slots[i];
    if (b !== undefined && b.seq === seq) {
      this.#slots[i] = undefined;
      this.#size--;
    }
  }

  /** When block `seq` was put, if held. */
  putAt(seq: number): number | undefined {
    return this.get(seq) === undefined ? undefined : this.#putAt[seq % this.#capacity];
  }

  /** The block `seq`, if held. */
  get(seq: number): Block | undefined {
    const b = this.#slots[seq % this.#capacity];
    return b !== undefined && b.seq === seq ? b : undefined;
  }

  /** True if `seq` is held. */
  has(seq: number): boolean {
    return this.get(seq) !== undefined;
  }

  /** Blocks held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Held blocks of `club`, newest first, down to `fromSeq` (inclusive), while `take` says
   * yes; used for catch-up.
   */
  *club(club: number, clubs: number, fromSeq: number): Generator<Block> {
    let s = this.#top - ((this.#top - club) % clubs + clubs) % clubs;
    for (; s >= Math.max(fromSeq, this.floor); s -= clubs) {
      const b = this.get(s);
      if (b) yield b;
    }
  }
}
