/**
 * The simulator's agenda: a binary min-heap of events ordered by (time, sequence). The
 * sequence number breaks ties in insertion order, so a run is a pure function of its seed.
 *
 * A run schedules tens of millions of events, so none of them is an object: each lives in a
 * slot of parallel typed arrays (time, sequence, kind, node, size) plus one array for the
 * payload reference, the heap orders slot numbers, and freed slots are reused. The simulator
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

/** A deterministic priority queue of {@link SimEvent}s. */
export class EventQueue {
  #time = new Float64Array(START);
  #seqs = new Float64Array(START);
  #kind = new Int32Array(START);
  #node = new Int32Array(START);
  #size = new Float64Array(START);
  #hasSize = new Uint8Array(START);
  #a: unknown[] = new Array(START).fill(undefined);
  #b: unknown[] = new Array(START).fill(undefined);
  /** Heap of slot numbers. */
  #heap = new Int32Array(START);
  #n = 0;
  /** Free slots (a stack); slots >= #used were never handed out. */
  #free = new Int32Array(START);
  #nFree = 0;
  #used = 0;
  #seq = 0;

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
  /** See {@link time}. */
  b: unknown = undefined;
  /** See {@link time}; undefined when the event was scheduled without one. */
  size: number | undefined = undefined;

  /** Events waiting. */
  get length(): number {
    return this.#n;
  }

  /** Schedules an event. */
  push(time: number, kind: number, node: number, a?: unknown, b?: unknown, size?: number): void {
    const s = this.#slot();
    this.#time[s] = time;
    const seq = this.#seq++;
    this.#seqs[s] = seq;
    this.#kind[s] = kind;
    this.#node[s] = node;
    if (size === undefined) this.#hasSize[s] = 0;
    else {
      this.#hasSize[s] = 1;
      this.#size[s] = size;
    }
    this.#a[s] = a;
    this.#b[s] = b;
    const h = this.#heap, t = this.#time, q = this.#seqs;
    let i = this.#n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent];
      const tp = t[p];
      if (time > tp || (time === tp && seq > q[p])) break;
      h[i] = p;
      i = parent;
    }
    h[i] = s;
  }

  /**
   * Takes the earliest event into this queue's `time`, `seq`, `kind`, `node`, `a`, `b` and
   * `size` fields; false (and nothing changed) when the queue is empty.
   */
  next(): boolean {
    if (this.#n === 0) return false;
    const h = this.#heap;
    const top = h[0];
    this.time = this.#time[top];
    this.seq = this.#seqs[top];
    this.kind = this.#kind[top];
    this.node = this.#node[top];
    this.size = this.#hasSize[top] ? this.#size[top] : undefined;
    this.a = this.#a[top];
    this.b = this.#b[top];
    this.#a[top] = undefined;
    this.#b[top] = undefined;
    this.#free[this.#nFree++] = top;
    const n = --this.#n;
    if (n > 0) {
      const last = h[n];
      const t = this.#time, q = this.#seqs;
      const tl = t[last], ql = q[last];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        let c = l;
        let sc = h[l];
        let tc = t[sc];
        const r = l + 1;
        if (r < n) {
          const sr = h[r];
          const tr = t[sr];
          if (tr < tc || (tr === tc && q[sr] < q[sc])) {
            c = r;
            sc = sr;
            tc = tr;
          }
        }
        // Stop when `last` goes before the smaller child.
        if (tl < tc || (tl === tc && ql < q[sc])) break;
        h[i] = sc;
        i = c;
      }
      h[i] = last;
    }
    return true;
  }

  /** Removes and returns the earliest event. */
  pop(): SimEvent | undefined {
    if (!this.next()) return undefined;
    const { time, seq, kind, node, a, b, size } = this;
    return { time, seq, kind, node, a, b, size };
  }

  /** The earliest event's time, or Infinity. */
  peekTime(): number {
    return this.#n > 0 ? this.#time[this.#heap[0]] : Infinity;
  }

  /** A slot for a new event, growing the arrays when every slot is taken. */
  #slot(): number {
    if (this.#nFree > 0) return this.#free[--this.#nFree];
    if (this.#used === this.#time.length) this.#grow();
    return this.#used++;
  }

  #grow(): void {
    const n = this.#time.length * 2;
    const f64 = (old: Float64Array) => {
      const x = new Float64Array(n);
      x.set(old);
      return x;
    };
    const i32 = (old: Int32Array) => {
      const x = new Int32Array(n);
      x.set(old);
      return x;
    };
    this.#time = f64(this.#time);
    this.#seqs = f64(this.#seqs);
    this.#size = f64(this.#size);
    this.#kind = i32(this.#kind);
    this.#node = i32(this.#node);
    this.#heap = i32(this.#heap);
    this.#free = i32(this.#free);
    const hs = new Uint8Array(n);
    hs.set(this.#hasSize);
    this.#hasSize = hs;
    for (let i = this.#a.length; i < n; i++) {
      this.#a.push(undefined);
      this.#b.push(undefined);
    }
  }
}
