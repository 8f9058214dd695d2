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
      // Rebuild the slot's seq from its lap (a product, cheaper than dividing). A slot read
      // with a negative or fractional index is undefined: NaN never matches.
      const lap = laps[i];
      return lap !== 0 && (lap - 1) * this.#size + i === seq ? i : -1;
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

/**
 * A set of sequence numbers with `Set`'s has/add/delete/size, for the sets a peer keeps per
 * connection (seqs a downstream has, seqs sent to it): those are dense runs of recent seqs,
 * so they live in a bitmap over a sliding window (one bit per seq instead of a hash entry),
 * and only seqs that fall outside it (far behind the window, or not seqs at all) go to a
 * plain `Set`. The window slides forward as larger seqs come; what it slides past moves to
 * that `Set`, so nothing is ever forgotten: every answer is exactly a `Set`'s. Iteration is
 * in no particular order.
 */
export class SeqSet {
  #bits: Uint32Array;
  /** Seqs in the window: `#bits.length * 32`. */
  readonly #span: number;
  /**
   * The seq of bit 0 of the window (a multiple of 32), or -Infinity before the first seq
   * (every seq is then infinitely far from it, so the window tests need no special case).
   */
  #base = -Infinity;
  #inBits = 0;
  /** Words below this one are known to be empty (dropBelow cleared them). */
  #low = 0;
  #other: Set<number> | undefined;

  /** A set whose window spans `windowSeqs` seqs (rounded up to a multiple of 32). */
  constructor(windowSeqs = 8192) {
    this.#bits = new Uint32Array(Math.max(1, Math.ceil(windowSeqs / 32)));
    this.#span = this.#bits.length * 32;
  }

  /** How many seqs are in the set. */
  get size(): number {
    return this.#inBits + (this.#other?.size ?? 0);
  }

  /** True if `seq` is in the set. */
  has(seq: number): boolean {
    const off = seq - this.#base;
    if (off >= 0 && off < this.#span && Number.isInteger(seq)) {
      return (this.#bits[off >>> 5] & (1 << (off & 31))) !== 0;
    }
    return this.#other !== undefined && this.#other.has(seq);
  }

  /** Adds `seq`. */
  add(seq: number): this {
    if (!Number.isSafeInteger(seq) || seq < 0) {
      (this.#other ??= new Set()).add(seq);
      return this;
    }
    let off = seq - this.#base;
    if (off >= this.#span) {
      if (this.#base === -Infinity) this.#base = this.#placeFor(seq);
      else this.#slide(this.#placeFor(seq));
      off = seq - this.#base;
    }
    // Seqs behind the window (rare) go to the plain set; the window never holds them again.
    if (off < 0) {
      (this.#other ??= new Set()).add(seq);
      return this;
    }
    const w = off >>> 5, bit = 1 << (off & 31);
    if ((this.#bits[w] & bit) === 0) {
      this.#bits[w] |= bit;
      this.#inBits++;
      if (w < this.#low) this.#low = w;
    }
    return this;
  }

  /** Removes `seq`; true if it was there. */
  delete(seq: number): boolean {
    const off = seq - this.#base;
    if (off >= 0 && off < this.#span && Number.isInteger(seq)) {
      const w = off >>> 5, bit = 1 << (off & 31);
      if ((this.#bits[w] & bit) !== 0) {
        this.#bits[w] &= ~bit;
        this.#inBits--;
        return true;
      }
    }
    return this.#other !== undefined && this.#other.delete(seq);
  }

  /** Removes every seq below `floor`. */
  dropBelow(floor: number): void {
    if (this.#base !== -Infinity && floor > this.#base) {
      const span = this.#bits.length * 32, end = Math.min(floor - this.#base, span);
      const full = end >>> 5;
      for (let w = this.#low; w < full; w++) {
        if (this.#bits[w] !== 0) {
          this.#inBits -= popcount(this.#bits[w]);
          this.#bits[w] = 0;
        }
      }
      if (full < this.#bits.length && (end & 31) !== 0) {
        const mask = (1 << (end & 31)) - 1, lost = this.#bits[full] & mask;
        this.#inBits -= popcount(lost);
        this.#bits[full] &= ~mask;
      }
      if (full > this.#low) this.#low = full;
    }
    if (this.#other !== undefined && this.#other.size > 0) {
      for (const s of [...this.#other]) if (s < floor) this.#other.delete(s);
    }
  }

  /** Removes every seq. */
  clear(): void {
    this.#bits.fill(0);
    this.#low = 0;
    this.#inBits = 0;
    this.#other = undefined;
  }

  /** Every seq in the set: the window's in ascending order, then the others. */
  *[Symbol.iterator](): IterableIterator<number> {
    const bits = this.#bits;
    for (let w = 0; w < bits.length; w++) {
      // Read the word afresh each step: the caller may delete while iterating.
      for (let b = 0; b < 32; b++) if ((bits[w] & (1 << b)) !== 0) yield this.#base + w * 32 + b;
    }
    if (this.#other !== undefined) yield* [...this.#other];
  }

  /** Where the window starts for `seq`: seqs mostly grow, so `seq` sits three quarters in. */
  #placeFor(seq: number): number {
    return Math.max(0, seq - (seq % 32) - ((this.#span * 3 / 4) & ~31));
  }

  /** Moves the window to start at `base` (later than now); seqs it leaves go to the Set. */
  #slide(base: number): void {
    const bits = this.#bits, shift = (base - this.#base) / 32;
    for (let w = 0; w < Math.min(shift, bits.length); w++) {
      if (bits[w] === 0) continue;
      for (let b = 0; b < 32; b++) {
        if ((bits[w] & (1 << b)) !== 0) (this.#other ??= new Set()).add(this.#base + w * 32 + b);
      }
    }
    if (shift >= bits.length) {
      bits.fill(0);
      this.#inBits = 0;
    } else {
      let moved = 0;
      for (let w = 0; w < shift; w++) moved += popcount(bits[w]);
      bits.copyWithin(0, shift);
      bits.fill(0, bits.length - shift);
      this.#inBits -= moved;
    }
    this.#low = Math.max(0, this.#low - shift);
    this.#base = base;
  }
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
