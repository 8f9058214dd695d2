/**
 * The source as a protocol node: it cuts the input into blocks (cutter.ts), numbers and signs
 * them in batches (batcher.ts), estimates the bitrate (bitrate.ts), and hands every block to
 * a peer core in the "source" role, which keeps two upload connections in every club [0029]
 * and sends each block of club k to its two club-k downstreams.
 */
import type { AuthSuite, BatchSigner } from "../auth/suite.ts";
import { PeerCore } from "../peer/peer.ts";
import type { PeerConfig } from "../peer/config.ts";
import type { PeerEvent } from "../peer/events.ts";
import type { ProtocolNode } from "../peer/node.ts";
import type { Rng } from "../rand.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import type { Addr, Block, Msg } from "../wire/messages.ts";
import { Batcher } from "./batcher.ts";
import { BitrateEstimator } from "./bitrate.ts";
import { BlockCutter } from "./cutter.ts";

/** What a source node needs. */
export interface SourceInit {
  readonly self: Addr;
  readonly clubs: number;
  readonly rng: Rng;
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
  readonly batchCount?: number;
  /**
   * The first sequence number (default 0). A restarted source passes one past the last it
   * used, so the peers' buffers and authenticators resume instead of seeing old numbers.
   */
  readonly firstSeq?: number;
  readonly config?: Partial<PeerConfig>;
}

/** The broadcaster's node. */
export class SourceNode implements ProtocolNode {
  readonly core: PeerCore;
  readonly #cutter: BlockCutter;
  readonly #batcher: Batcher;
  readonly #bitrate = new BitrateEstimator();
  readonly #threshold: number;
  /** Every block made so far is reported here (the simulator keeps ground truth with it). */
  onBlock: ((block: Block) => void) | undefined;
  /** Stream bytes taken in. */
  bytesIn = 0;

  /** A source node born at `now`. */
  constructor(now: number, init: SourceInit) {
    this.core = new PeerCore(now, {
      self: init.self,
      role: "source",
      clubs: init.clubs,
      myClubs: [],
      suite: null,
      rng: init.rng,
      config: init.config,
    });
    this.#cutter = new BlockCutter({
      blockBytes: BLOCK_PAYLOAD - (BLOCK_PAYLOAD % init.align),
      align: init.align,
      maxWaitMs: init.cutWaitMs ?? 20,
    });
    this.#batcher = new Batcher({
      signer: init.signer,
      suite: init.suite,
      maxCount: init.batchCount ?? 12,
      firstSeq: init.firstSeq,
      maxWaitMs: init.batchWaitMs ?? 50,
    });
    this.#threshold = init.thresholdMs;
  }

  /** Peers learned from the tracker. */
  addPeers(list: readonly { readonly addr: Addr; readonly clubs: readonly number[] }[]): void {
    this.core.addPeers(list);
  }

  /** Stream bytes arrived at `now`. */
  input(now: number, bytes: Uint8Array): void {
    this.bytesIn += bytes.length;
    this.#bitrate.record(now, bytes.length);
    for (const payload of this.#cutter.push(now, bytes)) this.#emitPayload(now, payload);
  }

  /** The input ended: everything buffered goes out now. */
  end(now: number): void {
    for (const payload of this.#cutter.end()) this.#emitPayload(now, payload);
    this.#emit(now, this.#batcher.close(now, this.#rate(now), this.#threshold));
  }

  #rate(now: number): number {
    return Math.round(this.#bitrate.estimate(now));
  }

  #emitPayload(now: number, payload: Uint8Array): void {
    this.#emit(now, this.#batcher.addPayload(now, payload, this.#rate(now), this.#threshold));
  }

  #emit(now: number, blocks: readonly Block[]): void {
    for (const b of blocks) {
      this.onBlock?.(b);
      this.core.originate(now, b);
    }
  }

  /** {@inheritDoc ProtocolNode.handleMessage} */
  handleMessage(now: number, from: Addr, msg: Msg): void {
    this.core.handleMessage(now, from, msg);
  }

  /** {@inheritDoc ProtocolNode.handleTimeout} */
  handleTimeout(now: number): void {
    for (const payload of this.#cutter.flush(now)) this.#emitPayload(now, payload);
    this.#emit(now, this.#batcher.poll(now, this.#rate(now), this.#threshold));
    this.core.handleTimeout(now);
  }

  /** {@inheritDoc ProtocolNode.pollTimeout} */
  pollTimeout(): number {
    return Math.min(
      this.core.pollTimeout(),
      this.#cutter.nextDeadline() ?? Infinity,
      this.#batcher.nextDeadline() ?? Infinity,
    );
  }

  /** {@inheritDoc ProtocolNode.pollTransmit} */
  pollTransmit(now: number): { to: Addr; msg: Msg } | undefined {
    return this.core.pollTransmit(now);
  }

  /** {@inheritDoc ProtocolNode.pollEvent} */
  pollEvent(): PeerEvent | undefined {
    return this.core.pollEvent();
  }

  /** {@inheritDoc ProtocolNode.hasPending} */
  hasPending(): boolean {
    return this.core.hasPending();
  }
}
