/**
 * The verified blocks a peer holds, for relaying, catch-up of new downstreams and repair.
 * Only the newest `capacity` sequence numbers are kept, so memory is bounded.
 */
import type { Block } from "../wire/messages.ts";

/** A bounded map from sequence number to verified block. */
export class BlockStore {
  readonly #blocks = new Map<number, Block>();
  readonly #capacity: number;
  #top = -1;

  /** A store keeping the newest `capacity` sequence numbers. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The highest sequence number held, -1 if none. */
  get top(): number {
    return this.#top;
  }

  /** The lowest sequence number still kept. */
  get floor(): number {
    return Math.max(0, this.#top - this.#capacity + 1);
  }

  /** Keeps a verified block; older ones past the window are dropped. */
  put(block: Block): void {
    if (block.seq < this.floor) return;
    this.#blocks.set(block.seq, block);
    if (block.seq > this.#top) {
      const oldFloor = this.floor;
      this.#top = block.seq;
      for (let s = oldFloor; s < this.floor; s++) this.#blocks.delete(s);
    }
  }

  /** The block `seq`, if held. */
  get(seq: number): Block | undefined {
    return this.#blocks.get(seq);
  }

  /** True if `seq` is held. */
  has(seq: number): boolean {
    return this.#blocks.has(seq);
  }

  /** Blocks held. */
  get size(): number {
    return this.#blocks.size;
  }

  /**
   * Held blocks of `club`, newest first, down to `fromSeq` (inclusive), while `take` says
   * yes; used for catch-up.
   */
  *club(club: number, clubs: number, fromSeq: number): Generator<Block> {
    let s = this.#top - ((this.#top - club) % clubs + clubs) % clubs;
    for (; s >= Math.max(fromSeq, this.floor); s -= clubs) {
      const b = this.#blocks.get(s);
      if (b) yield b;
    }
  }
}
