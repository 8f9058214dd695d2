/**
 * A bounded set of recent sequence numbers: a ring indexed by `seq % size`. Adding a number
 * forgets whatever number shared its slot, so only the newest ~`size` are remembered.
 */
export class SeqRing {
  readonly #slots: Float64Array;

  /** A ring remembering about `size` recent numbers. */
  constructor(size: number) {
    this.#slots = new Float64Array(size).fill(-1);
  }

  /** Remembers `seq`. */
  add(seq: number): void {
    this.#slots[seq % this.#slots.length] = seq;
  }

  /** True if `seq` was added and not yet displaced. */
  has(seq: number): boolean {
    return this.#slots[seq % this.#slots.length] === seq;
  }
}
