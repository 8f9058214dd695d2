/**
 * Numbers data blocks and closes batches. Each payload becomes a data block with the next
 * seq; a batch closes when it holds `maxCount` blocks, or when its first block is
 * `maxWaitMs` old (so signing adds at most that much latency at low bitrates), or with the
 * block after which, at the estimated bitrate, the next comes only after that, and its
 * auth block takes the seq right after the batch's last data block. So auth block `a`
 * covers data seqs `a.seq - a.count .. a.seq - 1`. Sans-IO: the caller passes `now` (ms)
 * and calls {@link Batcher.poll} at {@link Batcher.nextDeadline}.
 *
 * `srcTime` of every block is `Math.floor(now)`; the bitrate and threshold put in an auth
 * block are rounded to integers (the signed header is fixed-width integers).
 */
import type { AuthSuite, BatchSigner } from "../auth/suite.ts";
import { MAX_BATCH } from "../auth/shape.ts";
import type { AuthBlock, Block, DataBlock } from "../wire/messages.ts";

/** Options of {@link Batcher}. */
export interface BatcherOptions {
  /** Seals a closed batch into its auth block. */
  readonly signer: BatchSigner;
  /** Gives each data block's leaf (the suite the receivers verify with). */
  readonly suite: Pick<AuthSuite, "leaf">;
  /** Data blocks per batch, 1..32 (default {@link DEFAULT_BATCH_COUNT}). */
  readonly maxCount?: number;
  /** Longest a batch stays open after its first block, ms (default 50). */
  readonly maxWaitMs?: number;
  /** The first seq handed out (default 0). */
  readonly firstSeq?: number;
}

/**
 * Data blocks per batch by default, the patent's example [0041]: at 12 clubs, one block of
 * each club. Batches of 32 (the most the wire allows) cut a relay's CPU per block (the relay
 * benchmark's blocks per CPU-second rose 41-58 %, bench/README.md runs I and L), but in the
 * simulator's mass failure at 4 Mbit/s the survivors got 0.9451 of the stream with them
 * against 0.9952 at 12; so 12 stays.
 */
export const DEFAULT_BATCH_COUNT = 12;

/** Assigns seqs to payloads and emits an auth block after each batch. */
export class Batcher {
  readonly #signer: BatchSigner;
  readonly #suite: Pick<AuthSuite, "leaf">;
  readonly #maxCount: number;
  readonly #maxWait: number;
  #next: number;
  #leaves: Uint8Array[] = [];
  #openedAt = 0;

  /** Throws RangeError on a maxCount outside 1..32, a negative wait or a bad firstSeq. */
  constructor(opts: BatcherOptions) {
    const { maxCount = DEFAULT_BATCH_COUNT, maxWaitMs = 50, firstSeq = 0 } = opts;
    if (!Number.isInteger(maxCount) || maxCount < 1 || maxCount > MAX_BATCH) {
      throw new RangeError(`maxCount must be 1..${MAX_BATCH}, got ${maxCount}`);
    }
    if (!(maxWaitMs >= 0)) throw new RangeError(`bad maxWaitMs ${maxWaitMs}`);
    if (!Number.isSafeInteger(firstSeq) || firstSeq < 0) {
      throw new RangeError(`bad firstSeq ${firstSeq}`);
    }
    this.#signer = opts.signer;
    this.#suite = opts.suite;
    this.#maxCount = maxCount;
    this.#maxWait = maxWaitMs;
    this.#next = firstSeq;
  }

  /**
   * Makes the next data block from `payload`. Returns, in seq order: the auth block of an
   * open batch that was already due (if `poll` was late), the data block, and the auth
   * block of its batch if this block filled it.
   */
  addPayload(now: number, payload: Uint8Array, bitrate: number, threshold: number): Block[] {
    const time = srcTime(now);
    const out = this.poll(now, bitrate, threshold);
    const block: DataBlock = { kind: "data", seq: this.#next++, srcTime: time, payload };
    if (this.#leaves.length === 0) this.#openedAt = now;
    this.#leaves.push(this.#suite.leaf(block));
    out.push(block);
    const full = this.#leaves.length >= this.#maxCount;
    if (full || this.#nextIsLate(now, payload.length, bitrate)) {
      out.push(this.#seal(now, bitrate, threshold));
    }
    return out;
  }

  /** Closes the open batch if its first block is at least maxWaitMs old. */
  poll(now: number, bitrate: number, threshold: number): Block[] {
    const due = this.nextDeadline();
    return due !== undefined && now >= due ? [this.#seal(now, bitrate, threshold)] : [];
  }

  /** Closes the open batch whatever its age (end of stream); nothing if none is open. */
  close(now: number, bitrate: number, threshold: number): Block[] {
    return this.#leaves.length === 0 ? [] : [this.#seal(now, bitrate, threshold)];
  }

  /** When the open batch must close, or undefined if none is open. */
  nextDeadline(): number | undefined {
    return this.#leaves.length === 0 ? undefined : this.#openedAt + this.#maxWait;
  }

  /** The seq the next block (data or auth) will take. */
  get nextSeq(): number {
    return this.#next;
  }

  /** Data blocks in the open batch. */
  get open(): number {
    return this.#leaves.length;
  }

  /**
   * Whether, at the stream's estimated bitrate, the next payload will come after the open
   * batch's deadline. Then waiting for the deadline only delays the signature: every block
   * of the batch waits for it at its first relay.
   */
  #nextIsLate(now: number, bytes: number, bitrate: number): boolean {
    if (!(bitrate > 0)) return false; // no estimate yet: the deadline decides
    return now + (bytes * 8 * 1000) / bitrate > this.#openedAt + this.#maxWait;
  }

  #seal(now: number, bitrate: number, threshold: number): AuthBlock {
    if (!(bitrate >= 0 && threshold >= 0)) throw new RangeError("bitrate and threshold >= 0");
    // Seal first, commit after: a header the signer refuses leaves the batch open.
    const auth = this.#signer.seal({
      seq: this.#next,
      srcTime: srcTime(now),
      count: this.#leaves.length,
      bitrate: Math.round(bitrate),
      threshold: Math.round(threshold),
    }, this.#leaves);
    this.#next++;
    this.#leaves = [];
    return auth;
  }
}

function srcTime(now: number): number {
  const t = Math.floor(now);
  if (!Number.isSafeInteger(t) || t < 0) throw new RangeError(`bad time ${now}`);
  return t;
}
