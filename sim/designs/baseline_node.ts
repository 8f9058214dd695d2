/**
 * What the baseline designs have in common, so that each of them (flood.ts, pull.ts,
 * tree.ts) is only its way of spreading blocks: a peer verifies every block with the club
 * protocol's authenticator and plays it with the same playback (lib/playback) at the same
 * play delay; it relays only blocks it verified; the source makes its blocks with the club
 * source's block maker. Sends go through a send queue (link_queue.ts). Housekeeping
 * runs every {@link TICK_MS}, as the club peer's does.
 */
import { BlockAuthenticator } from "../../lib/auth/authenticator.ts";
import { BlockStore } from "../../lib/peer/block_store.ts";
import { DEFAULT_CONFIG } from "../../lib/peer/config.ts";
import { Deque } from "../../lib/peer/deque.ts";
import type { PeerEvent } from "../../lib/peer/events.ts";
import { DEFAULT_PLAYBACK } from "../../lib/peer/peer.ts";
import { SeqRing } from "../../lib/peer/seq_ring.ts";
import { Playback } from "../../lib/playback/playback.ts";
import type { Rng } from "../../lib/rand.ts";
import { BlockMaker } from "../../lib/source/block_maker.ts";
import type { Addr, Block, BlockMsg } from "../../lib/wire/messages.ts";
import type {
  Datagram,
  ListedPeer,
  NodeStats,
  PeerSpec,
  SimMsg,
  SimPeer,
  SimSource,
  SourceSpec,
} from "../design.ts";
import { LinkQueue, type QueueOrder } from "./link_queue.ts";
import type { BaselineMsg } from "./messages.ts";

/** Housekeeping period, ms (the club peer's `tickMs`). */
export const TICK_MS = DEFAULT_CONFIG.tickMs;

/** How a baseline node is born: as a peer or as the source. */
export type BaselineInit =
  | { readonly role: "peer"; readonly spec: PeerSpec; readonly queue?: QueueShape }
  | { readonly role: "source"; readonly spec: SourceSpec; readonly queue?: QueueShape };

/** A node's send queue: its bound in bytes (none by default) and its order (FIFO by default). */
export interface QueueShape {
  readonly bytes?: number;
  readonly order?: QueueOrder;
}

/** A node of a baseline design; subclasses say how blocks spread. */
export abstract class BaselineNode implements SimPeer, SimSource {
  readonly role: "peer" | "source";
  readonly self: Addr;
  readonly rng: Rng;
  /** Upload capacity and stream rate, bits per second. */
  readonly uploadBps: number;
  readonly streamBps: number;
  readonly stats: NodeStats = { dropped: {}, repairAsked: 0, staleDropped: 0, duplicates: 0 };
  readonly store: BlockStore = new BlockStore(DEFAULT_CONFIG.storeSeqs);
  readonly seen: SeqRing = new SeqRing(DEFAULT_CONFIG.storeSeqs * 2);
  readonly queue: LinkQueue;
  readonly events: Deque<PeerEvent> = new Deque<PeerEvent>();
  readonly playback: Playback | undefined;
  onBlock: ((block: Block) => void) | undefined;
  readonly #auth: BlockAuthenticator | undefined;
  readonly #maker: BlockMaker | undefined;
  /** Who sent the first copy of each seq, by the seen ring's slot (its relay skips them). */
  readonly #firstFrom: (Addr | undefined)[] = new Array(this.seen.size).fill(undefined);
  #nextTick: number;

  /** A node born at `now`. */
  constructor(now: number, init: BaselineInit) {
    const s = init.spec;
    this.role = init.role;
    this.self = s.self;
    this.rng = s.rng;
    this.uploadBps = s.uploadBps;
    this.streamBps = s.streamBps;
    this.queue = new LinkQueue(s.clubs, init.queue?.bytes, init.queue?.order);
    if (init.role === "peer") {
      this.#auth = new BlockAuthenticator(init.spec.suite, { window: DEFAULT_CONFIG.storeSeqs });
      this.playback = new Playback({ ...DEFAULT_PLAYBACK, targetDelayMs: init.spec.playDelayMs });
    } else {
      const { signer, suite } = init.spec;
      this.#maker = new BlockMaker({ signer, suite, align: 188, thresholdMs: 800 });
    }
    this.#nextTick = now;
  }

  /** Peers learned from the tracker. */
  abstract learn(addrs: readonly Addr[]): void;
  /** A block this node verified (or, at the source, made) is to be passed on. */
  protected abstract relay(now: number, block: Block, from: Addr): void;
  /** A message other than a block came. */
  protected abstract onMessage(now: number, from: Addr, msg: BaselineMsg): void;
  /** Housekeeping, every {@link TICK_MS}. */
  protected abstract tick(now: number): void;
  /** Any datagram from `from` came (liveness). */
  protected abstract heard(now: number, from: Addr): void;
  /** A block datagram came (after verification); `first` when no copy came before. */
  protected onBlockIn(_now: number, _from: Addr, _msg: BlockMsg, _first: boolean): void {}

  /** {@inheritDoc SimPeer.addPeers} */
  addPeers(list: readonly ListedPeer[]): void {
    this.learn(list.map((p) => p.addr));
  }

  /** {@inheritDoc SimPeer.handleMessage} */
  handleMessage(now: number, from: Addr, msg: SimMsg): void {
    if (from === this.self) return;
    this.heard(now, from);
    if (msg.t === "block") this.#onBlock(now, from, msg as BlockMsg);
    else this.onMessage(now, from, msg as BaselineMsg);
  }

  /** {@inheritDoc SimPeer.handleTimeout} */
  handleTimeout(now: number): void {
    if (this.#maker) { for (const b of this.#maker.poll(now)) this.#originate(now, b); }
    if (now < this.#nextTick) return;
    this.#nextTick = now + TICK_MS;
    this.tick(now);
    if (this.playback) {
      for (const event of this.playback.advance(now)) this.events.push({ type: "playback", event });
    }
  }

  /** {@inheritDoc SimPeer.pollTimeout} */
  pollTimeout(): number {
    return Math.min(this.#nextTick, this.#maker?.nextDeadline() ?? Infinity);
  }

  /** {@inheritDoc SimPeer.pollTransmit} */
  pollTransmit(now: number): Datagram | undefined {
    return this.queue.next(now, this.stats);
  }

  /** {@inheritDoc SimPeer.pollEvent} */
  pollEvent(): PeerEvent | undefined {
    return this.events.shift();
  }

  /** {@inheritDoc SimPeer.hasPending} */
  hasPending(): boolean {
    return !this.queue.empty;
  }

  /** {@inheritDoc SimPeer.holds} */
  holds(seq: number): boolean {
    return this.seen.has(seq);
  }

  /** {@inheritDoc SimSource.input} */
  input(now: number, bytes: Uint8Array): void {
    if (!this.#maker) throw new TypeError("only the source takes input");
    for (const b of this.#maker.input(now, bytes)) this.#originate(now, b);
  }

  /** The lowest seq still worth fetching: the playhead (0 before playback starts). */
  floor(): number {
    return this.playback?.cursor ?? 0;
  }

  /** Queues a control message. */
  send(to: Addr, msg: BaselineMsg): void {
    this.queue.control(to, msg);
  }

  /** Queues block `seq` for `to`, if held; false when not held or the buffer is full. */
  sendBlock(now: number, to: Addr, seq: number): boolean {
    const b = this.store.get(seq);
    return b !== undefined && this.queue.block(now, to, b, this.stats);
  }

  #originate(now: number, b: Block): void {
    this.onBlock?.(b);
    this.seen.add(b.seq);
    this.store.put(b, now);
    this.relay(now, b, this.self);
  }

  #onBlock(now: number, from: Addr, m: BlockMsg): void {
    if (this.role === "source") return;
    const b = m.block;
    const first = !this.seen.has(b.seq);
    if (first) this.#firstFrom[this.seen.claim(b.seq)] = from;
    else this.stats.duplicates++;
    const auth = this.#auth!;
    if (!auth.isVerified(b.seq)) {
      for (const blk of auth.offer(b, from).ready) {
        const slot = this.seen.slot(blk.seq);
        this.#accept(now, blk, slot >= 0 ? this.#firstFrom[slot] ?? from : from);
      }
    }
    this.onBlockIn(now, from, m, first);
  }

  /** A block verified; `from` sent its first copy. */
  #accept(now: number, block: Block, from: Addr): void {
    this.store.put(block, now);
    this.events.push({ type: "ready", seq: block.seq, kind: block.kind, at: now });
    if (block.kind === "auth") this.playback!.skipNonMedia(block.seq);
    else this.playback!.add(now, block.seq, block.srcTime, block.payload, true);
    this.relay(now, block, from);
  }
}
