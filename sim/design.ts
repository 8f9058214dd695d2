/**
 * The face a streaming design shows the simulator. The swarm (swarm.ts) owns the clock, the
 * network, the tracker and the metrics; a design only says how to make its source and its
 * peers and how many bytes each of its messages takes on the wire. The club protocol
 * (designs/clubs.ts) and the baselines it is compared with (designs/flood.ts, pull.ts,
 * tree.ts) all run through this interface, on the same network, measured the same way.
 *
 * What every design must keep to, so the metrics mean the same for all:
 * - A datagram that carries a block is a {@link BlockMsg} (`t: "block"`): the swarm counts
 *   block bytes, duplicates and control overhead by that type.
 * - A peer reports a block it verified as a "ready" {@link PeerEvent} and its playback as
 *   "playback" events (lib/playback, the same player for every design).
 * - Blocks come from the same block maker (lib/source/block_maker.ts: cut, numbered,
 *   signed in batches), and a peer plays or relays only blocks it verified.
 */
import type { AuthSuite, BatchSigner } from "../lib/auth/suite.ts";
import type { PeerConfig } from "../lib/peer/config.ts";
import type { PeerStats } from "../lib/peer/peer.ts";
import type { PeerEvent } from "../lib/peer/events.ts";
import type { Rng } from "../lib/rand.ts";
import type { Addr, Block } from "../lib/wire/messages.ts";

export type { BlockMsg } from "../lib/wire/messages.ts";

/** A message of any design: a union discriminated on `t`. */
export interface SimMsg {
  readonly t: string;
}

/** A datagram to send. */
export interface Datagram {
  readonly to: Addr;
  readonly msg: SimMsg;
}

/** A peer as the tracker lists it. */
export interface ListedPeer {
  readonly addr: Addr;
  readonly clubs: readonly number[];
}

/** The counters the report sums over every node (a subset of the club core's). */
export type NodeStats = Pick<PeerStats, "dropped" | "repairAsked" | "staleDropped" | "duplicates">;

/** A sans-IO node driven by datagrams and one timer (lib/peer/node.ts, for any message). */
export interface SimNode {
  /** A datagram from `from` arrived at `now`. */
  handleMessage(now: number, from: Addr, msg: SimMsg): void;
  /** The timer fired (at or after `pollTimeout()`). */
  handleTimeout(now: number): void;
  /** The next datagram to send, or undefined. */
  pollTransmit(now: number): Datagram | undefined;
  /** When the timer should fire next. */
  pollTimeout(): number;
  /** The next event, or undefined. */
  pollEvent(): PeerEvent | undefined;
  /** True when datagrams wait to be sent. */
  hasPending(): boolean;
  /** Peers learned from the tracker. */
  addPeers(list: readonly ListedPeer[]): void;
}

/** A viewer. */
export interface SimPeer extends SimNode {
  readonly stats: NodeStats;
  /** True if this peer has received (not necessarily verified yet) block `seq`. */
  holds(seq: number): boolean;
}

/** The broadcaster. */
export interface SimSource extends SimNode {
  readonly stats: NodeStats;
  /** Stream bytes arrived at `now`. */
  input(now: number, bytes: Uint8Array): void;
  /** Every block made is reported here (the swarm keeps ground truth with it). */
  onBlock: ((block: Block) => void) | undefined;
}

/** What the swarm knows about a node it creates. */
export interface NodeSpec {
  readonly self: Addr;
  /** Number of clubs the tracker deals (designs other than clubs may ignore them). */
  readonly clubs: number;
  /** The node's own stream of random numbers. */
  readonly rng: Rng;
  /** Overrides of the club protocol's settings (`--design clubs` only). */
  readonly config?: Partial<PeerConfig>;
  /** The node's upload capacity, bits per second (a design may use it, as if measured). */
  readonly uploadBps: number;
  /** The stream's bitrate, bits per second (as configured at the source). */
  readonly streamBps: number;
}

/** What the swarm gives a new peer. */
export interface PeerSpec extends NodeSpec {
  /** The source's address. */
  readonly source: Addr;
  /** The two clubs the tracker dealt this peer. */
  readonly myClubs: readonly number[];
  /** Verifies the source's blocks. */
  readonly suite: AuthSuite;
  /** Target play delay, ms. */
  readonly playDelayMs: number;
}

/** What the swarm gives the source. */
export interface SourceSpec extends NodeSpec {
  readonly signer: BatchSigner;
  readonly suite: Pick<AuthSuite, "leaf">;
}

/** A way of spreading a live stream over peers. */
export interface Design {
  /** The name `--design` takes. */
  readonly name: string;
  /** The source node, born at `now`. */
  makeSource(now: number, spec: SourceSpec): SimSource;
  /** A peer, born at `now` once the tracker answered it. */
  makePeer(now: number, spec: PeerSpec): SimPeer;
  /** Bytes of `msg` on the wire, without the IP and UDP headers. */
  size(msg: SimMsg): number;
}
