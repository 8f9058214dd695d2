/** A FIFO queue with O(1) push and shift (an array with a moving head, compacted lazily). */
export class Deque<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Items waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends at the tail. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** The head, without removing it. */
  peek(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  /** Removes and returns the head. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}
