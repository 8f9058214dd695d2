/**
 * The virtual swarm: a source and N peers running a design (design.ts: by default the real
 * protocol core of lib/peer and lib/source, or one of the baselines of designs/) on a
 * virtual clock, over the in-memory network of network.ts, with the tracker's club deck in
 * process. One seeded PRNG drives everything, so a seed replays a run exactly.
 *
 * The nodes are split into partitions (partition.ts) that run a window of virtual time each
 * between exchanges; this runs them in one thread, parallel.ts in workers, with the same
 * figures either way.
 *
 * What the simulator leaves out is work whose cost the benchmarks measure, never behaviour:
 * messages are not CBOR-encoded (their sizes come from lib/wire/size.ts, computed from the
 * real encoder per message shape) and blocks are authenticated with the cheap stand-in of
 * lib/auth/standin.ts, which still rejects anything not made by the source.
 */
import type { PeerConfig } from "../lib/peer/config.ts";
import type { BlockMsg } from "../lib/wire/messages.ts";
import type { Design, SimPeer, SimSource } from "./design.ts";
import { RunCounters } from "./metrics.ts";
import type { Churn, Failure } from "./lifetimes.ts";
import type { MaliciousKind, MaliciousNode } from "./malicious/node.ts";
import type { MaliceTally } from "./malicious/tally.ts";
import { CrossPacker, CrossUnpacker, packOutput, unpackInput } from "./cross_pack.ts";
import {
  Partition,
  type PartitionSummary,
  planSwarm,
  type WindowInput,
  type WindowOutput,
} from "./partition.ts";
import { TrackerDesk } from "./tracker_desk.ts";
import { routeWindow } from "./windows.ts";

/** Settings of one run. */
export interface SwarmOptions {
  readonly peers: number;
  readonly seconds: number;
  readonly seed: number;
  readonly bitrateKbps: number;
  readonly clubs: number;
  /** Random loss per datagram, 0..1. */
  readonly loss: number;
  /** Target play delay of every peer, ms. */
  readonly playDelayMs: number;
  readonly minLatencyMs: number;
  readonly maxLatencyMs: number;
  /** Upload capacity mix: [share of peers, multiple of the stream rate]. */
  readonly capacityMix: readonly (readonly [number, number])[];
  /** The source's upload capacity, as a multiple of the stream rate. */
  readonly sourceCapacity: number;
  /** Simulated seconds before measuring starts: the swarm forms (start-up is measured). */
  readonly warmupSeconds: number;
  /** Peers join uniformly over this many ms from the start. */
  readonly joinSpreadMs: number;
  /** Round trip of an announce to the tracker, ms. */
  readonly trackerRttMs: number;
  /** How often peers and source announce again, ms. */
  readonly announceMs: number;
  readonly config?: Partial<PeerConfig>;
  /** How the stream is spread (design.ts); the club protocol when absent. */
  readonly design?: Design;
  /**
   * Latency model: "uniform" per pair in [minLatencyMs, maxLatencyMs] (issue 2's default
   * network, when absent) or "regions" (regions.ts: peers on the map).
   */
  readonly network?: "uniform" | "regions";
  /** Flash crowd: the last `share` of the peers join over `spreadMs` from `atMs` instead. */
  readonly lateJoin?: { readonly share: number; readonly atMs: number; readonly spreadMs: number };
  /** Churn (lifetimes.ts): exponential sessions, each departure replaced by a new peer. */
  readonly churn?: Churn;
  /** Mass failure (lifetimes.ts): a share of the peers killed at once. */
  readonly failure?: Failure;
  /**
   * With churn or a failure: survivors' playback from this time on (ms) is counted apart
   * (`afterPlayed`, `afterSkipped`: the report's deliveryAfterFailure).
   */
  readonly recoveryFromMs?: number;
  /**
   * Share of the peers that are malicious (sim/malicious), drawn from the seed; 0 or absent
   * for none. Every metric of the run is then counted over the honest peers only.
   */
  readonly malicious?: number;
  /** The kinds of malicious peer, dealt in turn (default: every kind). */
  readonly maliciousKinds?: readonly MaliciousKind[];
  /**
   * Called for every block a peer verified (diagnostics). Like the other hooks, it is called
   * node by node within each window of virtual time (docs/simulator.md, "How a run is
   * driven"): each peer's calls come in time order, calls for different peers need not.
   */
  readonly onReady?: (peer: SimPeer, seq: number, now: number) => void;
  /** Called for every redundant block a peer received (diagnostics). */
  readonly onDuplicate?: (peer: SimPeer, msg: BlockMsg, now: number, from: string) => void;
  /** Called for every data block a peer skipped (diagnostics). */
  readonly onSkip?: (peer: SimPeer, seq: number, now: number) => void;
  /**
   * Runs each window's events in the order of the whole agenda, not node by node
   * (node_batches.ts): the same run, slower; for the test that checks the two agree.
   */
  readonly agendaOrder?: boolean;
}

/** The defaults of issue #2's default network. */
export const DEFAULT_SWARM: SwarmOptions = {
  peers: 200,
  seconds: 20,
  seed: 1,
  bitrateKbps: 2000,
  clubs: 12,
  loss: 0.01,
  playDelayMs: 3000,
  minLatencyMs: 20,
  maxLatencyMs: 150,
  capacityMix: [[0.2, 0.5], [0.5, 1.5], [0.3, 3]],
  sourceCapacity: 4,
  warmupSeconds: 10,
  joinSpreadMs: 5000,
  trackerRttMs: 100,
  announceMs: 10_000,
};

/** What the source counted over a run (empty records for a design that keeps no such count). */
export interface SourceCounts {
  readonly blocksSent: Record<string, number>;
  readonly drops: Record<string, number>;
}

/** The result of a run: what the simulator measured. */
export interface SwarmResult {
  readonly counters: RunCounters;
  readonly clubSizes: number[];
  readonly peersJoined: number;
  readonly drops: Record<string, number>;
  readonly repairAsked: number;
  readonly duplicatesReceived: number;
  readonly staleDropped: number;
  /**
   * The source's own counts over the whole run (warm-up included): blocks it sent by
   * send-queue class (the club design's: live "in"/"out", "bulk" history to a new
   * downstream, "repair", "auth") and connections it dropped by reason.
   */
  readonly sourceCounts: SourceCounts;
  /**
   * The honest peers at the end of the run (index i is node `n${i + 1}`), for inspection:
   * PeerCores with the club design. Empty when the run was in workers.
   */
  readonly cores: readonly (SimPeer | undefined)[];
  /** The source, for inspection; undefined when the run was in workers. */
  readonly source: SimSource | undefined;
  /** Upload capacity of each node, bits per second (index 0 is the source). */
  readonly capacities: readonly number[];
  /** With malicious peers: what they did and what honest peers made of it. */
  readonly malice?: MaliceTally;
  /** The malicious peers (index i is node `n${i + 1}`); empty without any. */
  readonly malicious: readonly (MaliciousNode | undefined)[];
  /** Peers that neither left nor died (with churn or a failure; else every peer). */
  readonly survivors: number;
}

/** Told after each window how far the virtual clock is (ms) and where it ends. */
export type OnWindow = (simMs: number, endMs: number) => void;

/**
 * Runs one simulation in this thread, its nodes split into `parts` partitions (the figures
 * are the same for any number; more than one is there to check it, as workers run them).
 * `onWindow` hears of the progress (progress.ts).
 */
export function runSwarm(opts: SwarmOptions, parts = 1, onWindow?: OnWindow): SwarmResult {
  const sp = planSwarm(opts);
  const partitions = Array.from({ length: parts }, (_, k) => new Partition(opts, sp, k, parts));
  const desk = new TrackerDesk(opts.clubs, sp.trackerSeed, opts.trackerRttMs);
  const lookahead = windowMs(partitions[0].lookaheadMs, opts.trackerRttMs);
  const endMs = partitions[0].endMs;
  // More than one partition: what crosses is packed and cloned, as between workers.
  const packers = partitions.map(() => new CrossPacker(parts));
  const unpackers = partitions.map(() => new CrossUnpacker(parts));
  let inputs: WindowInput[] = partitions.map(() => ({ datagrams: [], replies: [], truth: [] }));
  for (let start = 0;;) {
    const end = start + lookahead;
    let outs: WindowOutput[] = partitions.map((p, k) => p.step(end, inputs[k]));
    if (parts > 1) outs = structuredClone(outs.map((o, k) => packOutput(packers[k], o)));
    inputs = routeWindow(outs, desk);
    if (parts > 1) inputs = inputs.map((input, k) => unpackInput(unpackers[k], input));
    onWindow?.(end, endMs);
    if (end > endMs) break;
    start = end;
  }
  const summaries = partitions.map((p) => p.summary());
  const peerOf = (i: number) => partitions[i % parts].peers[i];
  const first = partitions[0];
  return {
    ...mergeSummaries(summaries),
    cores: Array.from({ length: sp.plan.count - 1 }, (_, j) => peerOf(j + 1)),
    source: first.source,
    capacities: [...sp.capacities],
    malice: first.tally,
    malicious: first.malicious.slice(1),
    survivors: first.survivors,
  };
}

/**
 * How long a window may be: no longer than the shortest one-way latency (a datagram sent in
 * a window arrives in a later one) nor the tracker's round trip (nor its answers).
 */
export function windowMs(lowerBoundMs: number, trackerRttMs: number): number {
  const w = Math.min(lowerBoundMs, trackerRttMs);
  if (!(w > 0)) throw new RangeError(`latency and tracker round trip must be above 0 ms (${w})`);
  return w;
}

/** What a run measured, summed over its partitions (the rest of a result is for inspection). */
export type RunFigures = Pick<
  SwarmResult,
  | "counters"
  | "clubSizes"
  | "peersJoined"
  | "drops"
  | "repairAsked"
  | "duplicatesReceived"
  | "staleDropped"
  | "sourceCounts"
>;

/** The figures of a run's partitions, added up. */
export function mergeSummaries(summaries: readonly PartitionSummary[]): RunFigures {
  const counters = new RunCounters();
  const clubSizes = summaries[0].clubSizes.map(() => 0);
  const drops: Record<string, number> = {};
  let peersJoined = 0, repairAsked = 0, duplicatesReceived = 0, staleDropped = 0;
  // Only the partition that holds the source has its counts.
  let sourceCounts: SourceCounts = { blocksSent: {}, drops: {} };
  // Message types in one order however the partitions first sent them.
  const types = new Set(summaries.flatMap((s) => Object.keys(s.counters.sentBytes)));
  for (const t of [...types].sort()) counters.sentBytes[t] = 0;
  for (const s of summaries) {
    counters.absorb(s.counters);
    s.clubSizes.forEach((n, c) => clubSizes[c] += n);
    for (const [why, v] of Object.entries(s.drops)) drops[why] = (drops[why] ?? 0) + v;
    peersJoined += s.peersJoined;
    repairAsked += s.repairAsked;
    duplicatesReceived += s.duplicatesReceived;
    staleDropped += s.staleDropped;
    const sc = s.sourceCounts;
    if (Object.keys(sc.blocksSent).length + Object.keys(sc.drops).length > 0) {
      sourceCounts = { blocksSent: sc.blocksSent, drops: sortedKeys(sc.drops) };
    }
  }
  return {
    counters,
    clubSizes,
    peersJoined,
    drops: sortedKeys(drops),
    repairAsked,
    duplicatesReceived,
    staleDropped,
    sourceCounts,
  };
}

/** `rec` with its keys in order: the same however the counts were added up. */
export function sortedKeys(rec: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
