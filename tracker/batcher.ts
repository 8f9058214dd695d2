/**
 * Group commit. Deno KV on a local file manages ~800 single-mutation commits a second but
 * ~50k mutations a second in batches of 100, so the tracker never commits one announce at a
 * time: items submitted while a run is in flight wait and go together in the next run. At
 * most one run is in flight, which also keeps mutations of one key in submission order.
 */

interface Waiter<I, O> {
  readonly item: I;
  readonly resolve: (out: O) => void;
  readonly reject: (err: unknown) => void;
}

/** Runs submitted items in batches of at most `maxBatch`, one batch at a time. */
export class Batcher<I, O> {
  readonly #run: (items: readonly I[]) => Promise<readonly O[]>;
  readonly #maxBatch: number;
  #queue: Waiter<I, O>[] = [];
  #busy = false;
  #batches = 0;

  /**
   * `run` gets the items of one batch and returns one result per item, in order; if it
   * throws, every item of that batch is rejected with the error.
   */
  constructor(run: (items: readonly I[]) => Promise<readonly O[]>, maxBatch = 200) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError("maxBatch must be >= 1");
    this.#run = run;
    this.#maxBatch = maxBatch;
  }

  /** Queues one item; resolves with its result once its batch has run. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#busy) {
        this.#busy = true;
        // Start on a microtask so items submitted in the same tick share the first batch.
        queueMicrotask(() => this.#drain());
      }
    });
  }

  /** Items waiting for a batch (not counting the one in flight). */
  get pending(): number {
    return this.#queue.length;
  }

  /** True while a batch is running or waiting to start. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Batches run so far. */
  get batches(): number {
    return this.#batches;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#batches++;
      try {
        const out = await this.#run(batch.map((w) => w.item));
        if (out.length !== batch.length) {
          throw new TypeError(`batch of ${batch.length} returned ${out.length} results`);
        }
        for (let i = 0; i < batch.length; i++) batch[i].resolve(out[i]);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.#busy = false;
  }
}
