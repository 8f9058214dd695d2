/**
 * The source's block making, apart from how blocks are spread: it cuts the input into
 * blocks (cutter.ts), numbers and signs them in batches (batcher.ts) and stamps each
 * signature block with the bitrate estimate (bitrate.ts) and the delay threshold. The
 * club source node (source_node.ts) hands what it makes to its peer core; the simulator's
 * baseline designs (sim/designs) spread the very same blocks their own way.
 */
import type { AuthSuite, BatchSigner } from "../auth/suite.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import type { Block } from "../wire/messages.ts";
import { Batcher } from "./batcher.ts";
import { BitrateEstimator } from "./bitrate.ts";
import { BlockCutter } from "./cutter.ts";

/** What a block maker needs. */
export interface BlockMakerInit {
  readonly signer: BatchSigner;
  readonly suite: Pick<AuthSuite, "leaf">;
  /** 188 for MPEG-TS input (blocks start on TS packets), 1 for raw bytes. */
  readonly align: number;
  /** Queueing delay past which receivers drop a connection, ms [0051]. */
  readonly thresholdMs: number;
  /** Longest a byte of input waits for its block, ms. */
  readonly cutWaitMs?: number;
  /** Longest a batch stays open, ms. */
  readonly batchWaitMs?: number;
  /** Most data blocks per batch (default: the batcher's, `DEFAULT_BATCH_COUNT`). */
  readonly batchCount?: number;
  /** The first sequence number (default 0). */
  readonly firstSeq?: number;
}

/** Turns stream bytes into numbered, signed blocks (sans-IO: times come as arguments). */
export class BlockMaker {
  readonly #cutter: BlockCutter;
  readonly #batcher: Batcher;
  readonly #bitrate = new BitrateEstimator();
  readonly #threshold: number;
  /** Stream bytes taken in. */
  bytesIn = 0;

  /** A block maker with nothing taken in yet. */
  constructor(init: BlockMakerInit) {
    this.#cutter = new BlockCutter({
      blockBytes: BLOCK_PAYLOAD - (BLOCK_PAYLOAD % init.align),
      align: init.align,
      maxWaitMs: init.cutWaitMs ?? 20,
    });
    this.#batcher = new Batcher({
      signer: init.signer,
      suite: init.suite,
      maxCount: init.batchCount,
      firstSeq: init.firstSeq,
      maxWaitMs: init.batchWaitMs ?? 50,
    });
    this.#threshold = init.thresholdMs;
  }

  /** Stream bytes arrived at `now`: the blocks they complete, in seq order. */
  input(now: number, bytes: Uint8Array): Block[] {
    this.bytesIn += bytes.length;
    this.#bitrate.record(now, bytes.length);
    const out: Block[] = [];
    for (const payload of this.#cutter.push(now, bytes)) this.#payload(now, payload, out);
    return out;
  }

  /** The blocks due by `now` (a cut that waited long enough, a batch to close). */
  poll(now: number): Block[] {
    const out: Block[] = [];
    for (const payload of this.#cutter.flush(now)) this.#payload(now, payload, out);
    out.push(...this.#batcher.poll(now, this.#rate(now), this.#threshold));
    return out;
  }

  /** The input ended: everything buffered, and the open batch's signature. */
  end(now: number): Block[] {
    const out: Block[] = [];
    for (const payload of this.#cutter.end()) this.#payload(now, payload, out);
    out.push(...this.#batcher.close(now, this.#rate(now), this.#threshold));
    return out;
  }

  /** The seq the next block will take. */
  get nextSeq(): number {
    return this.#batcher.nextSeq;
  }

  /** When {@link poll} has something to do next (Infinity: only on input). */
  nextDeadline(): number {
    return Math.min(
      this.#cutter.nextDeadline() ?? Infinity,
      this.#batcher.nextDeadline() ?? Infinity,
    );
  }

  #rate(now: number): number {
    return Math.round(this.#bitrate.estimate(now));
  }

  #payload(now: number, payload: Uint8Array, out: Block[]): void {
    for (const b of this.#batcher.addPayload(now, payload, this.#rate(now), this.#threshold)) {
      out.push(b);
    }
  }
}
