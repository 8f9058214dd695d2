/**
 * A FIFO queue with O(1) push and shift: a ring buffer whose capacity is a power of two,
 * doubled when full. Every peer keeps several and the simulator runs thousands of peers, so
 * an empty one stays small (4 slots) and a slot is cleared when its item leaves.
 */
export class Deque<T> {
  #items: (T | undefined)[] = [undefined, undefined, undefined, undefined];
  #head = 0;
  #length = 0;
  #mask = 3;

  /** Items waiting. */
  get length(): number {
    return this.#length;
  }

  /** Appends at the tail. */
  push(item: T): void {
    if (this.#length > this.#mask) this.#grow();
    this.#items[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }

  /** The head, without removing it. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Removes and returns the head. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const h = this.#head;
    const item = this.#items[h];
    this.#items[h] = undefined;
    this.#head = (h + 1) & this.#mask;
    this.#length--;
    return item;
  }

  #grow(): void {
    const old = this.#items, n = old.length;
    const items: (T | undefined)[] = new Array(n * 2).fill(undefined);
    for (let i = 0; i < n; i++) items[i] = old[(this.#head + i) & this.#mask];
    this.#items = items;
    this.#head = 0;
    this.#mask = n * 2 - 1;
  }
}
