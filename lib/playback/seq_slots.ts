/**
 * Playback's per-seq state for the seqs it has not passed yet: a buffered media block (its
 * source time, arrival time and payload) or a non-media mark.
 *
 * A peer adds a block and looks up the cursor's seq several times per block, so the state
 * lives in a ring of parallel typed arrays indexed by `seq % capacity` rather than in maps
 * of small objects: no object per block, no hashing. The live seqs of a playback are
 * contiguous-ish (the cursor up to the newest arrival), so the ring doubles whenever two
 * live seqs would share a slot. Only a pathological spread (live seqs more than
 * {@link MAX_RING} apart, possible before the start) switches it to a plain map.
 */

/** No state for the seq. */
export const NONE = 0;
/** A buffered media block. */
export const HELD = 1;
/** A non-media mark. */
export const MARK = 2;

/** The largest ring; a wider spread of live seqs falls back to a map. */
export const MAX_RING = 1 << 17;

interface Entry {
  state: number;
  srcTime: number;
  arrival: number;
  payload: Uint8Array | undefined;
}

/** A map from seq to held block or mark, in a growable ring. */
export class SeqSlots {
  #cap: number;
  #tags: Float64Array;
  #state: Uint8Array;
  #src: Float64Array;
  #arr: Float64Array;
  #pay: (Uint8Array | undefined)[];
  /** Set once the ring would grow past MAX_RING: every entry lives here instead. */
  #map: Map<number, Entry> | undefined;
  /** Buffered blocks. */
  held = 0;
  /** Marks. */
  marks = 0;

  /** An empty ring of `capacity` slots (a power of two). */
  constructor(capacity = 64) {
    this.#cap = capacity;
    this.#tags = new Float64Array(capacity).fill(-1);
    this.#state = new Uint8Array(capacity);
    this.#src = new Float64Array(capacity);
    this.#arr = new Float64Array(capacity);
    this.#pay = new Array(capacity).fill(undefined);
  }

  /** NONE, HELD or MARK. */
  state(seq: number): number {
    if (this.#map !== undefined) return this.#map.get(seq)?.state ?? NONE;
    const i = seq % this.#cap;
    return this.#tags[i] === seq ? this.#state[i] : NONE;
  }

  /** Source time of held `seq` (which must be held). */
  srcTime(seq: number): number {
    if (this.#map !== undefined) return this.#map.get(seq)!.srcTime;
    return this.#src[seq % this.#cap];
  }

  /** Arrival time of held `seq` (which must be held). */
  arrival(seq: number): number {
    if (this.#map !== undefined) return this.#map.get(seq)!.arrival;
    return this.#arr[seq % this.#cap];
  }

  /** Payload of held `seq` (which must be held). */
  payload(seq: number): Uint8Array {
    if (this.#map !== undefined) return this.#map.get(seq)!.payload!;
    return this.#pay[seq % this.#cap]!;
  }

  /** Buffers a block at `seq`, which must have no state. */
  hold(seq: number, srcTime: number, arrival: number, payload: Uint8Array): void {
    this.#put(seq, HELD, srcTime, arrival, payload);
    this.held++;
  }

  /** Marks `seq` non-media; it must have no state. */
  mark(seq: number): void {
    this.#put(seq, MARK, 0, 0, undefined);
    this.marks++;
  }

  /** Forgets `seq`'s state; returns what it was. */
  clear(seq: number): number {
    let was: number;
    if (this.#map !== undefined) {
      const e = this.#map.get(seq);
      if (e === undefined) return NONE;
      this.#map.delete(seq);
      was = e.state;
    } else {
      const i = seq % this.#cap;
      if (this.#tags[i] !== seq) return NONE;
      was = this.#state[i];
      this.#tags[i] = -1;
      this.#state[i] = NONE;
      this.#pay[i] = undefined;
    }
    if (was === HELD) this.held--;
    else if (was === MARK) this.marks--;
    return was;
  }

  /** Every seq in state `state`, in no particular order. */
  seqs(state: number): number[] {
    const out: number[] = [];
    if (this.#map !== undefined) {
      for (const [s, e] of this.#map) if (e.state === state) out.push(s);
      return out;
    }
    for (let i = 0; i < this.#cap; i++) {
      if (this.#tags[i] >= 0 && this.#state[i] === state) out.push(this.#tags[i]);
    }
    return out;
  }

  #put(
    seq: number,
    state: number,
    srcTime: number,
    arrival: number,
    payload: Uint8Array | undefined,
  ): void {
    if (this.#map !== undefined) {
      this.#map.set(seq, { state, srcTime, arrival, payload });
      return;
    }
    const i = seq % this.#cap;
    if (this.#tags[i] >= 0 && this.#tags[i] !== seq) {
      // Two live seqs in one slot: widen the ring (or fall back to the map), then retry.
      if (this.#cap >= MAX_RING) this.#toMap();
      else this.#grow();
      return this.#put(seq, state, srcTime, arrival, payload);
    }
    this.#tags[i] = seq;
    this.#state[i] = state;
    this.#src[i] = srcTime;
    this.#arr[i] = arrival;
    this.#pay[i] = payload;
  }

  /** Doubles the ring until its live seqs no longer collide (or falls back to a map). */
  #grow(): void {
    const old = {
      cap: this.#cap,
      tags: this.#tags,
      state: this.#state,
      src: this.#src,
      arr: this.#arr,
      pay: this.#pay,
    };
    for (let cap = old.cap * 2;; cap *= 2) {
      if (cap > MAX_RING) return this.#toMap();
      const tags = new Float64Array(cap).fill(-1);
      let ok = true;
      for (let j = 0; j < old.cap && ok; j++) {
        const s = old.tags[j];
        if (s < 0) continue;
        const i = s % cap;
        if (tags[i] >= 0) ok = false;
        else tags[i] = s;
      }
      if (!ok) continue;
      const state = new Uint8Array(cap);
      const src = new Float64Array(cap);
      const arr = new Float64Array(cap);
      const pay: (Uint8Array | undefined)[] = new Array(cap).fill(undefined);
      for (let j = 0; j < old.cap; j++) {
        const s = old.tags[j];
        if (s < 0) continue;
        const i = s % cap;
        state[i] = old.state[j];
        src[i] = old.src[j];
        arr[i] = old.arr[j];
        pay[i] = old.pay[j];
      }
      this.#cap = cap;
      this.#tags = tags;
      this.#state = state;
      this.#src = src;
      this.#arr = arr;
      this.#pay = pay;
      return;
    }
  }

  #toMap(): void {
    const map = new Map<number, Entry>();
    for (let j = 0; j < this.#cap; j++) {
      const s = this.#tags[j];
      if (s < 0) continue;
      map.set(s, {
        state: this.#state[j],
        srcTime: this.#src[j],
        arrival: this.#arr[j],
        payload: this.#pay[j],
      });
    }
    this.#map = map;
    this.#tags = new Float64Array(0);
    this.#state = new Uint8Array(0);
    this.#src = this.#arr = new Float64Array(0);
    this.#pay = [];
    this.#cap = 0;
  }
}
