/**
 * The source as a protocol node: it makes blocks (block_maker.ts: cut, numbered and signed
 * in batches, stamped with the bitrate estimate) and hands every block to
 * a peer core in the "source" role, which keeps two upload connections in every club [0029]
 * and sends each block of club k to its two club-k downstreams.
 */
import { PeerCore, type PeerStats } from "../peer/peer.ts";
import type { PeerConfig } from "../peer/config.ts";
import type { PeerEvent } from "../peer/events.ts";
import type { ProtocolNode } from "../peer/node.ts";
import type { Rng } from "../rand.ts";
import type { Addr, Block, Msg } from "../wire/messages.ts";
import { BlockMaker, type BlockMakerInit } from "./block_maker.ts";

/**
 * What a source node needs: how to make blocks (block_maker.ts; a restarted source passes
 * `firstSeq` one past the last it used, so the peers' buffers and authenticators resume
 * instead of seeing old numbers) and its own address, clubs and randomness.
 */
export interface SourceInit extends BlockMakerInit {
  readonly self: Addr;
  readonly clubs: number;
  readonly rng: Rng;
  readonly config?: Partial<PeerConfig>;
}

/** The broadcaster's node. */
export class SourceNode implements ProtocolNode {
  readonly core: PeerCore;
  readonly #maker: BlockMaker;
  /** Every block made so far is reported here (the simulator keeps ground truth with it). */
  onBlock: ((block: Block) => void) | undefined;

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
    this.#maker = new BlockMaker(init);
  }

  /** Stream bytes taken in. */
  get bytesIn(): number {
    return this.#maker.bytesIn;
  }

  /** The counters of the source's core. */
  get stats(): PeerStats {
    return this.core.stats;
  }

  /** The seq the next block will take (a restart goes on from here: source/state_file.ts). */
  get nextSeq(): number {
    return this.#maker.nextSeq;
  }

  /** Peers learned from the tracker. */
  addPeers(list: readonly { readonly addr: Addr; readonly clubs: readonly number[] }[]): void {
    this.core.addPeers(list);
  }

  /** Stream bytes arrived at `now`. */
  input(now: number, bytes: Uint8Array): void {
    this.#emit(now, this.#maker.input(now, bytes));
  }

  /** The input ended: everything buffered goes out now. */
  end(now: number): void {
    this.#emit(now, this.#maker.end(now));
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
    this.#emit(now, this.#maker.poll(now));
    this.core.handleTimeout(now);
  }

  /** {@inheritDoc ProtocolNode.pollTimeout} */
  pollTimeout(): number {
    return Math.min(this.core.pollTimeout(), this.#maker.nextDeadline());
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
