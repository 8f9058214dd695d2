/**
 * The simulator's agenda: a binary min-heap of events ordered by (time, sequence). The
 * sequence number breaks ties in insertion order, so a run is a pure function of its seed.
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

/** A deterministic priority queue of {@link SimEvent}s. */
export class EventQueue {
  #heap: SimEvent[] = [];
  #seq = 0;

  /** Events waiting. */
  get length(): number {
    return this.#heap.length;
  }

  /** Schedules an event. */
  push(time: number, kind: number, node: number, a?: unknown, b?: unknown, size?: number): void {
    const e: SimEvent = { time, seq: this.#seq++, kind, node, a, b, size };
    const h = this.#heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = e;
  }

  /** Removes and returns the earliest event. */
  pop(): SimEvent | undefined {
    const h = this.#heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  /** The earliest event's time, or Infinity. */
  peekTime(): number {
    return this.#heap.length > 0 ? this.#heap[0].time : Infinity;
  }
}

function before(x: SimEvent, y: SimEvent): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}
