/**
 * A bounded set of recent sequence numbers: a ring indexed by `seq % size`. Adding a number
 * forgets whatever number shared its slot, so only the newest ~`size` are remembered.
 *
 * Every peer keeps rings of thousands of slots, so a slot does not hold the seq itself but
 * its lap, `floor(seq / size)` plus one (0 = empty), in 16 bits: a quarter of the memory of
 * a float per slot. The first seq whose lap does not fit (past `size * 65534`, months of a
 * stream) widens the ring to one float per slot, so any non-negative integer still works.
 */

const NARROW_LAPS = 0xffff;

/** A ring of `size` slots remembering which seq last took each one. */
export class SeqRing {
  readonly #size: number;
  #laps: Uint16Array | undefined;
  /** One seq per slot (-1 = empty), once a lap did not fit in 16 bits. */
  #wide: Float64Array | undefined;

  /** A ring remembering about `size` recent numbers. */
  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`bad ring size ${size}`);
    this.#size = size;
    this.#laps = new Uint16Array(size);
  }

  /** Slots in the ring. */
  get size(): number {
    return this.#size;
  }

  /** Remembers `seq`. */
  add(seq: number): void {
    this.claim(seq);
  }

  /** True if `seq` was added and not yet displaced. */
  has(seq: number): boolean {
    return this.slot(seq) >= 0;
  }

  /** The slot holding `seq`, or -1 when `seq` is not remembered (or not a valid seq). */
  slot(seq: number): number {
    const i = seq % this.#size;
    const laps = this.#laps;
    if (laps !== undefined) {
      // A non-integer or negative seq gives no valid lap and never matches.
      return laps[i] === (seq - i) / this.#size + 1 ? i : -1;
    }
    return this.#wide![i] === seq ? i : -1;
  }

  /**
   * Remembers `seq` and returns its slot, or -1 (remembering nothing) when `seq` is not a
   * non-negative integer.
   */
  claim(seq: number): number {
    const i = seq % this.#size;
    if (!(i >= 0) || !Number.isInteger(i)) return -1;
    const lap = (seq - i) / this.#size + 1;
    if (this.#laps !== undefined) {
      if (lap < NARROW_LAPS) {
        this.#laps[i] = lap;
        return i;
      }
      this.#widen();
    }
    this.#wide![i] = seq;
    return i;
  }

  /** Forgets whatever seq holds slot `i`. */
  clearSlot(i: number): void {
    if (this.#laps !== undefined) this.#laps[i] = 0;
    else this.#wide![i] = -1;
  }

  #widen(): void {
    const laps = this.#laps!, wide = new Float64Array(this.#size).fill(-1);
    for (let i = 0; i < this.#size; i++) {
      if (laps[i] !== 0) wide[i] = (laps[i] - 1) * this.#size + i;
    }
    this.#wide = wide;
    this.#laps = undefined;
  }
}
