/**
 * The simulator's agenda: a 4-ary min-heap of events ordered by (time, sequence). The
 * sequence number breaks ties in insertion order, so a run is a pure function of its seed.
 *
 * A run schedules tens of millions of events, so none of them is an object: each lives in a
 * slot (kind, node and size side by side in one typed array, the two payload references side
 * by side in another), the heap orders slot numbers with their keys (time, sequence) beside
 * them, and freed slots are reused. The simulator
 * reads the popped event from the queue's `time`/`kind`/`node`/`a`/`b`/`size` fields
 * ({@link EventQueue.next}); {@link EventQueue.pop} still hands out an object for callers
 * that prefer one.
 */

/** One scheduled event; `kind` and the payload fields are the simulator's business. */
export interface SimEvent {
  readonly time: number;
  readonly seq: number;
  readonly kind: number;
  readonly node: number;
  readonly a?: unknown;
  readonly b?: unknown;
  readonly size?: number;
}

const START = 1024;
/** Bits of a slot's packed number that hold the event's kind; the node takes the rest. */
const KIND_BITS = 4;
/** Event kinds are integers below this (they share a slot's number with the node). */
export const KINDS = 1 << KIND_BITS;
/** Nodes are integers below this: the packed number stays a non-negative int32. */
export const MAX_NODES = 2 ** (31 - KIND_BITS);

/** A deterministic priority queue of {@link SimEvent}s. */
export class EventQueue {
  // The heap keeps each entry's keys (time, sequence) beside its slot number, so sifting
  // reads consecutive memory instead of jumping to the slots' arrays; it is 4-ary, as a
  // node's four children then share a cache line or two and the heap is half as deep.
  #hTime = new Float64Array(START);
  #hSeq = new Float64Array(START);
  #hSlot = new Int32Array(START);
  #n = 0;
  // Per slot: the payload fields, each slot's together. A slot is read back long after it
  // was written (when its event comes due), from memory no longer in cache: one slot's
  // fields in one or two cache lines, not six arrays' worth, spare a miss per field.
  /** Slot s: `node << KIND_BITS | kind` at 2s, the size at 2s + 1 (NaN for none). */
  #fields = new Float64Array(2 * START);
  /** Slot s: payload `a` at 2s, `b` at 2s + 1. */
  #ab: unknown[] = new Array(2 * START).fill(undefined);
  /** Free slots (a stack); slots >= #used were never handed out. */
  #free = new Int32Array(START);
  #nFree = 0;
  #used = 0;
  #seq = 0;
  /**
   * The slot of the event {@link next} took last, freed by the following call: its payload
   * is read from the slot ({@link b}) rather than copied into a field of this long-lived
   * queue, which would cost a write barrier per event (the payload is a young object).
   */
  #taken = -1;

  /** The last event taken by {@link next}: its time, sequence number, kind, node, payload. */
  time = 0;
  /** See {@link time}. */
  seq = 0;
  /** See {@link time}. */
  kind = 0;
  /** See {@link time}. */
  node = 0;
  /** See {@link time}. */
  a: unknown = undefined;
  /** See {@link time}; undefined when the event was scheduled without one. */
  size: number | undefined = undefined;

  /** Events waiting. */
  get length(): number {
    return this.#n;
  }

  /**
   * Schedules an event: `kind` an integer in [0, {@link KINDS}), `node` one in
   * [0, {@link MAX_NODES}) (they share one number of the slot), `size` any number.
   */
  push(time: number, kind: number, node: number, a?: unknown, b?: unknown, size?: number): void {
    this.pushTie(time, this.#seq++, kind, node, a, b, size);
  }

  /**
   * Schedules an event as {@link push} does, ordered among events of the same time by `tie`
   * (any number; an event pushed with {@link push} gets the count of pushes so far) instead
   * of by when it was pushed: a simulator split into partitions orders each partition's
   * events as one queue would, whatever order they were pushed in.
   */
  pushTie(
    time: number,
    tie: number,
    kind: number,
    node: number,
    a?: unknown,
    b?: unknown,
    size?: number,
  ): void {
    const packed = (node << KIND_BITS) | kind;
    // One test for both: the packed number gives them back only if they fit.
    if (packed < 0 || (packed >> KIND_BITS) !== node || (packed & (KINDS - 1)) !== kind) {
      throw new RangeError(
        `event kind ${kind} or node ${node} is not an integer in [0, ${KINDS}) or [0, ${MAX_NODES})`,
      );
    }
    const s = this.#slot();
    const seq = tie;
    this.#fields[2 * s] = packed;
    this.#fields[2 * s + 1] = size === undefined ? NaN : size;
    this.#ab[2 * s] = a;
    this.#ab[2 * s + 1] = b;
    if (this.#n === this.#hTime.length) this.#growHeap();
    const ht = this.#hTime, hq = this.#hSeq, hs = this.#hSlot;
    let i = this.#n++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const tp = ht[parent];
      if (time > tp || (time === tp && seq > hq[parent])) break;
      ht[i] = tp;
      hq[i] = hq[parent];
      hs[i] = hs[parent];
      i = parent;
    }
    ht[i] = time;
    hq[i] = seq;
    hs[i] = s;
  }

  /**
   * Takes the earliest event into this queue's `time`, `seq`, `kind`, `node`, `a`, `b` and
   * `size` fields; false (and nothing changed) when the queue is empty.
   */
  next(): boolean {
    this.#release();
    if (this.#n === 0) return false;
    const ht = this.#hTime, hq = this.#hSeq, hs = this.#hSlot;
    const top = hs[0];
    this.time = ht[0];
    this.seq = hq[0];
    // Integer ops on the packed number (a double % or / costs a library call).
    const kn = this.#fields[2 * top] | 0, size = this.#fields[2 * top + 1];
    this.kind = kn & (KINDS - 1);
    this.node = kn >>> KIND_BITS;
    this.size = size === size ? size : undefined;
    this.a = this.#ab[2 * top];
    this.#taken = top;
    const n = --this.#n;
    if (n > 0) {
      // Sift the last entry down from the root.
      const tl = ht[n], ql = hq[n], sl = hs[n];
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= n) break;
        // The smallest of up to four children.
        let c = first, tc = ht[first], qc = hq[first];
        const end = Math.min(first + 4, n);
        for (let k = first + 1; k < end; k++) {
          const tk = ht[k];
          if (tk < tc || (tk === tc && hq[k] < qc)) {
            c = k;
            tc = tk;
            qc = hq[k];
          }
        }
        // Stop when the last entry goes before the smallest child.
        if (tl < tc || (tl === tc && ql < qc)) break;
        ht[i] = tc;
        hq[i] = qc;
        hs[i] = hs[c];
        i = c;
      }
      ht[i] = tl;
      hq[i] = ql;
      hs[i] = sl;
    }
    return true;
  }

  /** See {@link time}: the second payload of the event taken last. */
  get b(): unknown {
    return this.#taken < 0 ? undefined : this.#ab[2 * this.#taken + 1];
  }

  /** Frees the slot of the event taken last (its payload is let go). */
  #release(): void {
    const t = this.#taken;
    if (t < 0) return;
    this.#ab[2 * t] = undefined;
    this.#ab[2 * t + 1] = undefined;
    this.#free[this.#nFree++] = t;
    this.#taken = -1;
  }

  /** Removes and returns the earliest event. */
  pop(): SimEvent | undefined {
    if (!this.next()) return undefined;
    const { time, seq, kind, node, a, b, size } = this;
    return { time, seq, kind, node, a, b, size };
  }

  /** The earliest event's time, or Infinity. */
  peekTime(): number {
    return this.#n > 0 ? this.#hTime[0] : Infinity;
  }

  /** The earliest event's sequence number (its tie), or Infinity. */
  peekSeq(): number {
    return this.#n > 0 ? this.#hSeq[0] : Infinity;
  }

  /** A slot for a new event, growing the slot arrays when every slot is taken. */
  #slot(): number {
    if (this.#nFree > 0) return this.#free[--this.#nFree];
    if (this.#used === this.#free.length) this.#growSlots();
    return this.#used++;
  }

  #growHeap(): void {
    const n = this.#hTime.length * 2;
    this.#hTime = grow(this.#hTime, new Float64Array(n));
    this.#hSeq = grow(this.#hSeq, new Float64Array(n));
    this.#hSlot = grow(this.#hSlot, new Int32Array(n));
  }

  #growSlots(): void {
    const n = this.#free.length * 2;
    this.#fields = grow(this.#fields, new Float64Array(2 * n));
    this.#free = grow(this.#free, new Int32Array(n));
    for (let i = this.#ab.length; i < 2 * n; i++) this.#ab.push(undefined);
  }
}

/** `old` copied into the start of `into` (a larger array of the same type). */
function grow<T extends Float64Array | Int32Array | Uint8Array>(old: T, into: T): T {
  into.set(old);
  return into;
}
