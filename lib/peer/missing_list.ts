/**
 * The repair tracker's missing seqs (repair.ts), in the order they went missing, with what
 * it keeps of each: when it went missing, whether it was lost on its link, when it was last
 * asked for and how often. Kept in parallel arrays, not a Map of records: a peer marks and
 * forgets hundreds of seqs a second, each record lived across a scavenge or two (the grace,
 * the retries) and so died in the old generation, and the Map's table was reallocated each
 * time it grew or shrank; in the simulator those were the largest share of the garbage that
 * made the heap grow (docs/simulator.md, "Speed and memory").
 *
 * A removed seq leaves a hole in its slot until the next {@link MissingList.compact}; a seq
 * is found by its slot through a ring indexed by its low bits, made larger whenever two
 * seqs present would share an entry, up to {@link RING_MAX} entries; seqs that still share
 * one then (far apart: never in a live stream's window) are found by a scan of the slots.
 */
/** The most entries the ring grows to. */
export const RING_MAX = 1 << 16;

export class MissingList {
  #seq = new Float64Array(64);
  #since = new Float64Array(64);
  #askedAt = new Float64Array(64);
  #tries = new Uint16Array(64);
  /** Bit 0: present (not removed); bit 1: lost on its link; bit 2: may be hastened. */
  #flags = new Uint8Array(64);
  /** Slots used, holes included. */
  #used = 0;
  #size = 0;
  /** Ring: slot + 1 of the seq whose low bits are the index, or 0. */
  #ring = new Int32Array(256);
  /** Some seq present has no ring entry (it shares one at RING_MAX): finds may scan. */
  #unringed = false;

  /** Seqs present. */
  get size(): number {
    return this.#size;
  }

  /** Slots to visit in order (present or holes): {@link present} tells which. */
  get slots(): number {
    return this.#used;
  }

  /**
   * Appends `seq` (not present), missing since `since`; never asked yet. `hastenable`:
   * {@link hasten} may move its `since` earlier, once.
   */
  add(seq: number, since: number, lost: boolean, hastenable = false): void {
    if (this.#used === this.#seq.length) this.#compactOrGrow();
    const i = this.#used++;
    this.#seq[i] = seq;
    this.#since[i] = since;
    this.#askedAt[i] = -Infinity;
    this.#tries[i] = 0;
    this.#flags[i] = (lost ? 3 : 1) | (hastenable ? 4 : 0);
    this.#size++;
    this.#index(i);
  }

  /**
   * Moves the `since` of `seq` `byMs` earlier if it is present, hastenable and never asked
   * for, once; returns the new `since`, or undefined when nothing changed.
   */
  hasten(seq: number, byMs: number): number | undefined {
    const i = this.#find(seq);
    if (i < 0 || (this.#flags[i] & 4) === 0 || this.#tries[i] > 0) return undefined;
    this.#flags[i] &= ~4;
    return this.#since[i] -= byMs;
  }

  /** Removes `seq` if present. */
  remove(seq: number): void {
    const i = this.#find(seq);
    if (i >= 0) this.removeAt(i);
  }

  /** Removes the seq in slot `i` (present). */
  removeAt(i: number): void {
    this.#flags[i] = 0;
    this.#size--;
    const r = this.#seq[i] & (this.#ring.length - 1);
    if (this.#ring[r] === i + 1) this.#ring[r] = 0;
  }

  /** True if slot `i` holds a seq (not a hole). */
  present(i: number): boolean {
    return (this.#flags[i] & 1) !== 0;
  }

  /** The seq in slot `i`. */
  seqAt(i: number): number {
    return this.#seq[i];
  }

  /** When the seq in slot `i` went missing. */
  sinceAt(i: number): number {
    return this.#since[i];
  }

  /** Whether the seq in slot `i` was lost on its link. */
  lostAt(i: number): boolean {
    return (this.#flags[i] & 2) !== 0;
  }

  /** When the seq in slot `i` was last asked for (-Infinity: never). */
  askedAtOf(i: number): number {
    return this.#askedAt[i];
  }

  /** How often the seq in slot `i` was asked for. */
  triesAt(i: number): number {
    return this.#tries[i];
  }

  /** Notes that the seq in slot `i` is asked for (again) at `now`. */
  asked(i: number, now: number): void {
    this.#askedAt[i] = now;
    this.#tries[i]++;
  }

  /** Closes the holes (slots move; call it outside a pass over them). */
  compact(): void {
    if (this.#size === this.#used) return;
    let w = 0;
    for (let i = 0; i < this.#used; i++) {
      if ((this.#flags[i] & 1) === 0) continue;
      if (w !== i) {
        this.#seq[w] = this.#seq[i];
        this.#since[w] = this.#since[i];
        this.#askedAt[w] = this.#askedAt[i];
        this.#tries[w] = this.#tries[i];
        this.#flags[w] = this.#flags[i];
      }
      w++;
    }
    this.#used = w;
    this.#reindex();
  }

  /** The slot of `seq`, or -1 when it is not present. */
  indexOf(seq: number): number {
    return this.#find(seq);
  }

  #find(seq: number): number {
    const s = this.#ring[seq & (this.#ring.length - 1)] - 1;
    if (s >= 0 && this.#seq[s] === seq && (this.#flags[s] & 1) !== 0) return s;
    if (!this.#unringed) return -1;
    for (let i = 0; i < this.#used; i++) {
      if (this.#seq[i] === seq && (this.#flags[i] & 1) !== 0) return i;
    }
    return -1;
  }

  /** Enters slot `i` in the ring, doubling the ring while another seq present has its entry. */
  #index(i: number): void {
    for (;;) {
      const r = this.#seq[i] & (this.#ring.length - 1);
      const s = this.#ring[r] - 1;
      if (s < 0 || (this.#flags[s] & 1) === 0 || s === i) {
        this.#ring[r] = i + 1;
        return;
      }
      if (this.#ring.length >= RING_MAX) {
        this.#unringed = true;
        return;
      }
      this.#ring = new Int32Array(this.#ring.length * 2);
      this.#reindex(i);
    }
  }

  /**
   * Rebuilds the ring from the slots present (all but `skip`, which the caller enters),
   * doubling it while two of them share an entry; at RING_MAX the first of those gets the
   * entry and the others are found by a scan.
   */
  #reindex(skip = -1): void {
    for (;;) {
      this.#ring.fill(0);
      this.#unringed = false;
      const mask = this.#ring.length - 1;
      for (let i = 0; i < this.#used; i++) {
        if ((this.#flags[i] & 1) === 0 || i === skip) continue;
        const r = this.#seq[i] & mask;
        if (this.#ring[r] === 0) this.#ring[r] = i + 1;
        else this.#unringed = true;
      }
      if (!this.#unringed || this.#ring.length >= RING_MAX) return;
      this.#ring = new Int32Array(this.#ring.length * 2);
    }
  }

  #compactOrGrow(): void {
    if (this.#size * 2 <= this.#used) {
      this.compact();
      return;
    }
    const n = this.#seq.length * 2;
    const grow = <T extends Float64Array | Uint16Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.#seq = grow(this.#seq, new Float64Array(n));
    this.#since = grow(this.#since, new Float64Array(n));
    this.#askedAt = grow(this.#askedAt, new Float64Array(n));
    this.#tries = grow(this.#tries, new Uint16Array(n));
    this.#flags = grow(this.#flags, new Uint8Array(n));
  }
}
