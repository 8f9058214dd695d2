/**
 * One partition of the virtual swarm: the nodes `i` with `i % parts === part` (node 0, the
 * source, is in partition 0), their events on a virtual clock, and their share of the
 * metrics. A run is a series of windows as long as the network's shortest one-way latency:
 * a datagram sent in a window arrives in a later one, so partitions run a window each
 * without waiting on one another and exchange what crossed between them at its end
 * (swarm.ts in one thread, parallel.ts in workers). The tracker is not in any partition:
 * a node's requests reach it half a round trip after they are sent and its answers come
 * back half a round trip later (tracker_desk.ts), so they cross windows too.
 *
 * What a node does depends only on its own events in their order, and that order is the
 * same however the nodes are split: events at the same time are ordered by a tie number
 * from the node that caused them (its count of events caused, and its index), every node
 * draws from random streams of its own, and the tracker orders requests by time and node.
 * So a run gives the same figures in one partition or several.
 */
import { standinPair } from "../lib/auth/standin.ts";
import type { PeerEvent } from "../lib/peer/events.ts";
import type { PeerCore } from "../lib/peer/peer.ts";
import { Rng } from "../lib/rand.ts";
import { SourceNode } from "../lib/source/source_node.ts";
import { BLOCK_PAYLOAD } from "../lib/wire/budget.ts";
import type { Block, BlockMsg } from "../lib/wire/messages.ts";
import type { ListedPeer, SimMsg, SimNode, SimPeer, SimSource } from "./design.ts";
import { CLUBS } from "./designs/clubs.ts";
import { EventQueue } from "./event_queue.ts";
import { NodeBatches } from "./node_batches.ts";
import { RunCounters } from "./metrics.ts";
import { Network } from "./network.ts";
import { type Lifetimes, planLifetimes } from "./lifetimes.ts";
import { placeNode } from "./regions.ts";
import { Forgeries } from "./malicious/forge.ts";
import { MALICIOUS_KINDS, type MaliciousKind, type MaliciousNode } from "./malicious/node.ts";
import { makeMalicious, pickMalicious } from "./malicious/pick.ts";
import { MaliceTally } from "./malicious/tally.ts";
import type { RunFigures, SwarmOptions } from "./swarm.ts";
import type { PeerStats } from "../lib/peer/peer.ts";
import type { TrackerReply, TrackerRequest } from "./tracker_desk.ts";

const DELIVER = 0, LINK = 1, TIMER = 2, JOIN = 3, JOINED = 4, INPUT = 5, ANNOUNCE = 6;
const LEAVE = 7, KILL = 8, EXPIRE = 9, PEERS = 10;

/** Bits of a tie number that hold the node that caused the event. */
const TIE_NODE_BITS = 20;
/** Nodes a run may have: a tie number stays an exact integer of a double. */
export const MAX_PARTITION_NODES = 2 ** TIE_NODE_BITS;
/** The tie of the mass failure: before anything else due at the same time. */
const KILL_TIE = -1;

/** A datagram from one partition's node to another's. */
export interface CrossDatagram {
  readonly at: number;
  readonly tie: number;
  readonly to: number;
  readonly from: number;
  readonly size: number;
  readonly msg: SimMsg;
}

/** Ground truth of a block, from the source's partition to the others. */
export interface BlockTruth {
  readonly seq: number;
  readonly srcTime: number;
  readonly auth: boolean;
}

/** What a partition is handed before a window. */
export interface WindowInput {
  readonly datagrams: readonly CrossDatagram[];
  readonly replies: readonly TrackerReply[];
  readonly truth: readonly BlockTruth[];
}

/** What a partition hands on after a window. */
export interface WindowOutput {
  /** Datagrams for other partitions, by partition (this one's own list stays empty). */
  readonly datagrams: CrossDatagram[][];
  readonly requests: TrackerRequest[];
  /** Blocks the source made in the window (from partition 0 only). */
  readonly truth: BlockTruth[];
}

/** What a partition measured, as plain data (it crosses from a worker). */
export type PartitionSummary = Omit<RunFigures, "counters"> & {
  readonly counters: ReturnType<RunCounters["snapshot"]>;
};

/** The settings every partition derives alike from the seed. */
export interface SwarmPlan {
  readonly plan: Lifetimes;
  readonly capacities: Float64Array;
  /** One random stream per node (index 0 is the source's). */
  readonly rngs: readonly Rng[];
  readonly trackerSeed: number;
  readonly secret: number;
  readonly lossSeed: number;
}

/** The channel tag of the simulated stream. */
const TAG = 0x636c7562;

/** Draws a run's plan from its seed: the same in every partition. */
export function planSwarm(opts: SwarmOptions): SwarmPlan {
  const rng = new Rng(opts.seed);
  const lossSeed = rng.int(2 ** 32);
  const trackerSeed = rng.int(2 ** 32);
  const secret = rng.int(2 ** 31);
  const sourceRng = rng.fork();
  const bitrate = opts.bitrateKbps * 1000;
  // Join times (a flash crowd moves the last peers' later), then the plan of who leaves or
  // dies when, from a random stream of its own (lifetimes.ts).
  const firstJoins = new Float64Array(opts.peers + 1);
  const late = opts.lateJoin;
  const lateFrom = late ? opts.peers - Math.round(late.share * opts.peers) : Infinity;
  // Capacities: the mix dealt over the peers in a shuffled order.
  const order = rng.shuffle(Array.from({ length: opts.peers }, (_, i) => i + 1));
  for (let i = 1; i <= opts.peers; i++) {
    const at = rng.range(0, opts.joinSpreadMs);
    firstJoins[i] = i > lateFrom ? late!.atMs + (at / opts.joinSpreadMs) * late!.spreadMs : at;
  }
  const measureEnd = (opts.warmupSeconds + opts.seconds) * 1000;
  const scenarioRng = new Rng((Math.imul(opts.seed, 0x27d4eb2f) ^ 0x5343454e) >>> 0);
  const plan = planLifetimes(
    opts.peers,
    firstJoins,
    measureEnd,
    scenarioRng,
    opts.capacityMix,
    opts.churn,
    opts.failure,
  );
  if (plan.count > MAX_PARTITION_NODES) {
    throw new RangeError(`a run has at most ${MAX_PARTITION_NODES} nodes, not ${plan.count}`);
  }
  const capacities = new Float64Array(plan.count);
  capacities[0] = bitrate * opts.sourceCapacity;
  let k = 0;
  for (const [share, mult] of opts.capacityMix) {
    const n = Math.round(share * opts.peers);
    for (let j = 0; j < n && k < order.length; j++) capacities[order[k++]] = bitrate * mult;
  }
  const lastMult = opts.capacityMix[opts.capacityMix.length - 1][1];
  while (k < order.length) capacities[order[k++]] = bitrate * lastMult;
  for (let j = opts.peers + 1; j < plan.count; j++) {
    capacities[j] = bitrate * plan.replacementMult[j - opts.peers - 1];
  }
  const rngs = [sourceRng];
  for (let j = 1; j < plan.count; j++) rngs.push(rng.fork());
  return { plan, capacities, rngs, trackerSeed, secret, lossSeed };
}

/** The nodes of one partition and their events. */
export class Partition {
  readonly part: number;
  readonly parts: number;
  readonly counters = new RunCounters();
  /** The peers of this partition (index = node), PeerCores with the club design. */
  readonly peers: (SimPeer | undefined)[];
  readonly source: SimSource | undefined;
  readonly tally: MaliceTally | undefined;
  readonly malicious: (MaliciousNode | undefined)[];
  readonly clubSizes: number[];
  readonly endMs: number;
  /** The shortest one-way latency: how long a window may be. */
  readonly lookaheadMs: number;
  /** Peers that neither left nor died (with churn or a failure; else every peer). */
  readonly survivors: number;
  readonly #step: (end: number, input: WindowInput) => WindowOutput;

  /** A partition of the run `opts`, drawn from `sp` (planSwarm's, the same everywhere). */
  constructor(opts: SwarmOptions, sp: SwarmPlan, part: number, parts: number) {
    const design = opts.design ?? CLUBS;
    if ((opts.malicious ?? 0) > 0 && design !== CLUBS) {
      throw new Error(`malicious peers are modelled for the club design only, not ${design.name}`);
    }
    if ((opts.malicious ?? 0) > 0 && parts > 1) {
      throw new Error("a run with malicious peers runs in one partition");
    }
    this.part = part;
    this.parts = parts;
    const { plan } = sp;
    const count = plan.count;
    const owns = (i: number) => i % parts === part;
    const net = new Network({
      minLatencyMs: opts.minLatencyMs,
      maxLatencyMs: opts.maxLatencyMs,
      loss: opts.loss,
      headerBytes: 28,
      seed: opts.seed,
    }, new Rng(sp.lossSeed));
    for (let j = 0; j < count; j++) net.setCapacity(j, sp.capacities[j]);
    if (opts.network === "regions") {
      const geo = new Rng((Math.imul(opts.seed, 0x165667b1) ^ 0x47454f) >>> 0);
      net.place(0, placeNode(geo, opts.sourceCapacity, 0));
      for (let j = 1; j < count; j++) {
        net.place(j, placeNode(geo, sp.capacities[j] / (opts.bitrateKbps * 1000)));
      }
    }
    this.lookaheadMs = net.lowerBoundMs();
    const { suite, signer } = standinPair(sp.secret, TAG, { memoize: true });
    const q = new EventQueue();
    const c = this.counters;
    // The swarm forms during the warm-up; every metric but start-up counts what happens after
    // it (docs/simulator.md). `--warmup 0` measures the formation too.
    const measureFrom = opts.warmupSeconds * 1000;
    const endMs = this.endMs = measureFrom + opts.seconds * 1000;
    const bitrate = opts.bitrateKbps * 1000;
    const clubSizes = this.clubSizes = new Array(opts.clubs).fill(0);
    this.survivors = plan.survivor.reduce((a, b) => a + b, 0);

    // Ground truth from the source: send time of every seq, and which seqs are signatures.
    // Indexed by seq (the source numbers blocks 0, 1, 2, ...), grown by doubling. The source's
    // partition learns it as blocks are made; the others from its window's output.
    let srcTime = new Float64Array(1 << 14);
    let authSeqs = new Uint8Array(1 << 14);
    let truthOut: BlockTruth[] = [];
    const learn = (seq: number, time: number, auth: boolean) => {
      if (seq >= srcTime.length) {
        const len = Math.max(srcTime.length * 2, seq + 1);
        const t = new Float64Array(len), a = new Uint8Array(len);
        t.set(srcTime);
        a.set(authSeqs);
        [srcTime, authSeqs] = [t, a];
      }
      srcTime[seq] = time;
      if (auth) authSeqs[seq] = 1;
    };

    // The source.
    const source = owns(0)
      ? design.makeSource(0, {
        self: "n0",
        clubs: opts.clubs,
        rng: sp.rngs[0],
        signer,
        suite,
        config: opts.config,
        uploadBps: net.capacity(0),
        streamBps: bitrate,
      })
      : undefined;
    this.source = source;
    // The club source's core, whose store the malicious-peer tally reads.
    const sourceCore = source instanceof SourceNode ? source.core : undefined;
    if (source) {
      source.onBlock = (b: Block) => {
        learn(b.seq, b.srcTime, b.kind === "auth");
        if (parts > 1) truthOut.push({ seq: b.seq, srcTime: b.srcTime, auth: b.kind === "auth" });
      };
    }

    const joinAt = plan.joinAt;
    const recoveryFrom = opts.recoveryFromMs ?? Infinity;
    // Per-node state as parallel arrays indexed by node (0 is the source): every event reads
    // some of it, and compact arrays stay in cache where one object per node would not.
    const addrs: string[] = Array.from({ length: count }, (_, i) => `n${i}`);
    const protoNodes: (SimNode | undefined)[] = new Array(count).fill(undefined);
    const peers: (SimPeer | undefined)[] = this.peers = new Array(count).fill(undefined);
    const busyUntil = new Float64Array(count);
    const linkScheduled = new Uint8Array(count);
    const timerAt = new Float64Array(count).fill(Infinity);
    /** Events each node caused so far: its next tie number is this * 2^20 + node. */
    const caused = new Float64Array(count);
    const tieOf = (origin: number) => caused[origin]++ * MAX_PARTITION_NODES + origin;
    /** 1 while a node is in the swarm (joined, not left or dead); the source always. */
    const alive = new Uint8Array(count);
    /** 1 once a node has left or died (it never comes back). */
    const gone = new Uint8Array(count);
    /** When each node last announced (the tracker forgets a dead one 3 intervals later). */
    const announcedAt = new Float64Array(count);
    // Malicious peers, if any: picked and driven by random streams of their own, so the honest
    // rest of the run is drawn exactly as without them.
    const kindOf = (opts.malicious ?? 0) > 0
      ? pickMalicious(
        opts.peers,
        opts.malicious!,
        opts.maliciousKinds ?? MALICIOUS_KINDS,
        opts.seed,
      )
      : undefined;
    const mal: (MaliciousNode | undefined)[] = this.malicious = new Array(kindOf ? count : 0).fill(
      undefined,
    );
    const forgeries = kindOf && new Forgeries(TAG, (sp.secret ^ 0x2545f491) >>> 0);
    const malRng = new Rng((Math.imul(opts.seed, 0x85ebca77) ^ 0x4a554e4b) >>> 0);
    const tally = this.tally = forgeries &&
      new MaliceTally(forgeries, (j: number) => kindOf!.get(j) as MaliciousKind | undefined);
    /** A node whose idle link has something to send now (see the main loop), or -1. */
    let linkNow = -1;
    // Addresses are "n<index>"; parsed by hand, as this runs for every datagram.
    const indexOf = (addr: string) => {
      let v = 0;
      for (let i = 1; i < addr.length; i++) v = v * 10 + addr.charCodeAt(i) - 48;
      return v;
    };
    let crossOut: CrossDatagram[][] = Array.from({ length: parts }, () => []);
    let requests: TrackerRequest[] = [];

    if (source) {
      protoNodes[0] = source;
      alive[0] = 1;
    }
    const payload = new Uint8Array(BLOCK_PAYLOAD);
    const inputEveryMs = (BLOCK_PAYLOAD * 8 * 1000) / bitrate;
    if (source) {
      q.pushTie(0, tieOf(0), INPUT, 0);
      q.pushTie(0, tieOf(0), ANNOUNCE, 0);
      q.pushTie(0, tieOf(0), TIMER, 0);
      timerAt[0] = 0;
    }
    for (let i = 1; i < count; i++) if (owns(i)) q.pushTie(joinAt[i], tieOf(i), JOIN, i);
    for (let i = 1; i < count; i++) {
      if (owns(i) && plan.leaveAt[i] < endMs) q.pushTie(plan.leaveAt[i], tieOf(i), LEAVE, i);
    }
    if (plan.victims.length > 0) q.pushTie(plan.killAt, KILL_TIE, KILL, 0);

    function drainEvents(i: number, now: number): void {
      const node = protoNodes[i]!;
      if (kindOf && mal[i]) {
        while (node.pollEvent()); // a malicious peer's own events count for nothing
        return;
      }
      for (let e: PeerEvent | undefined = node.pollEvent(); e; e = node.pollEvent()) {
        tally?.onEvent(e, (s) => ((peers[i] as PeerCore) ?? sourceCore).store.get(s), indexOf);
        if (e.type === "ready") {
          if (peers[i]) opts.onReady?.(peers[i]!, e.seq, e.at);
          if (e.kind === "data" && srcTime[e.seq] >= measureFrom) {
            c.latency.add(e.at - srcTime[e.seq]);
          }
        } else if (e.type === "playback") {
          const pe = e.event;
          if (pe.type === "start") c.startup.add(pe.at - joinAt[i]);
          else if (pe.at < measureFrom) continue;
          else if (pe.type === "play") {
            c.played++;
            counted(i, pe.at, true);
          } else if (pe.type === "skip" && authSeqs[pe.seq] !== 1) {
            c.skipped++;
            counted(i, pe.at, false);
            opts.onSkip?.(peers[i]!, pe.seq, now);
          }
        }
      }
    }

    /** Accounts a played or skipped block in the series and, for survivors, after recovery. */
    function counted(i: number, at: number, played: boolean): void {
      const survivor = plan.survivor[i] === 1;
      c.series.add(at, played, survivor);
      if (survivor && at >= recoveryFrom) {
        if (played) c.afterPlayed++;
        else c.afterSkipped++;
      }
    }

    /** Node `i` leaves the swarm at `now`: it stops, and datagrams to it are lost. */
    function stop(i: number, now: number, tellTracker: boolean): void {
      alive[i] = 0;
      gone[i] = 1;
      if (tellTracker) requests.push({ at: now, node: i, op: "remove" });
      else schedule(Math.max(now, announcedAt[i] + 3 * opts.announceMs), tieOf(i), EXPIRE, i);
    }

    function touch(i: number, now: number): void {
      drainEvents(i, now);
      const node = protoNodes[i]!;
      const t = Math.max(node.pollTimeout(), now);
      if (t < timerAt[i]) {
        timerAt[i] = t;
        schedule(t, tieOf(i), TIMER, i);
      }
      if (linkScheduled[i] === 0 && node.hasPending()) {
        linkScheduled[i] = 1;
        if (busyUntil[i] <= now) linkNow = i;
        else schedule(busyUntil[i], tieOf(i), LINK, i);
      }
    }

    function onLink(i: number, now: number): void {
      linkScheduled[i] = 0;
      const dg = protoNodes[i]!.pollTransmit(now);
      if (!dg) return;
      const size = design.size(dg.msg);
      const honest = !kindOf || !mal[i];
      if (now >= measureFrom && honest) {
        c.sent(dg.msg.t, size, i === 0, dg.msg.t === "block" && (dg.msg as BlockMsg).repair);
      }
      if (tally && honest && dg.msg.t === "block") tally.onSend((dg.msg as BlockMsg).block);
      const until = busyUntil[i] = now + net.serializeMs(i, size);
      const to = indexOf(dg.to);
      const at = net.arrival(until, i, to);
      if (at === undefined) c.datagramsLost++;
      else {
        const tie = tieOf(i);
        if (owns(to)) schedule(at, tie, DELIVER, to, i, dg.msg, size);
        else crossOut[to % parts].push({ at, tie, to, from: i, size, msg: dg.msg });
      }
      linkScheduled[i] = 1;
      schedule(until, tieOf(i), LINK, i);
    }

    function onDeliver(i: number, now: number, from: string, msg: SimMsg, size: number): void {
      if (alive[i] !== 1) return;
      const node = protoNodes[i]!;
      const peer = peers[i];
      if (msg.t === "block" && peer && now >= measureFrom) {
        const held = peer.holds((msg as BlockMsg).block.seq);
        c.blockSeries.add(now, size, held);
        if (held) {
          c.redundantBlockBytes += size;
          opts.onDuplicate?.(peer, msg as BlockMsg, now, from);
        } else c.usefulBlockBytes += size;
      }
      node.handleMessage(now, from, msg);
      touch(i, now);
    }

    function joined(i: number, now: number, clubs: readonly number[], list: ListedPeer[]): void {
      if (gone[i] === 1) return; // left or died before the tracker answered
      for (const cl of clubs) clubSizes[cl]++;
      const peer = design.makePeer(now, {
        self: addrs[i],
        clubs: opts.clubs,
        myClubs: clubs,
        suite,
        rng: sp.rngs[i],
        source: "n0",
        config: opts.config,
        playDelayMs: opts.playDelayMs,
        uploadBps: net.capacity(i),
        streamBps: bitrate,
      });
      peer.addPeers(list);
      alive[i] = 1;
      announcedAt[i] = now;
      const kind = kindOf?.get(i);
      if (kind !== undefined) {
        const init = { rng: malRng.fork(), forgeries: forgeries!, id: i };
        protoNodes[i] = mal[i] = makeMalicious(kind, now, peer as PeerCore, init, count);
        tally!.joined(kind);
      } else {
        protoNodes[i] = peer;
        peers[i] = peer;
      }
      schedule(now + opts.announceMs, tieOf(i), ANNOUNCE, i);
      timerAt[i] = now;
      schedule(now, tieOf(i), TIMER, i);
    }

    // The window being run (see the step below): events before (boundTime, boundTie) run
    // node by node; `cur` is the node running (-1 between nodes).
    const batch = new NodeBatches();
    let boundTime = 0, boundTie = 0, cur = -1, curAt = 0, curEnd = 0;

    /**
     * Schedules an event: into the running node's own batch when it is that node's and due
     * within the window, else into the agenda. Another node's event can never be due within
     * the window (a datagram takes at least its length to arrive); if it were, the node by
     * node order would be wrong, so that throws.
     */
    function schedule(
      at: number,
      tie: number,
      kind: number,
      node: number,
      a?: unknown,
      b?: unknown,
      size?: number,
    ): void {
      const within = at <= endMs && (at < boundTime || (at === boundTime && tie < boundTie));
      if (within && node === cur) batch.local.pushTie(at, tie, kind, node, a, b, size);
      else if (within && cur >= 0) {
        throw new Error(
          `partition ${part}: node ${cur} scheduled node ${node}'s event within the window`,
        );
      } else q.pushTie(at, tie, kind, node, a, b, size);
    }

    /** A mass failure at `now`: the victims vanish without a word. */
    function kill(now: number): void {
      c.events++;
      for (const v of plan.victims) if (owns(v)) stop(v, now, false);
      if (part !== 0) c.events--; // each partition kills its own: one event in all
    }

    /** When the running node's next event is due (Infinity: it has none left). */
    function curNext(): number {
      if (opts.agendaOrder) return q.peekTime();
      const t = curAt < curEnd ? batch.time(batch.at(curAt)) : Infinity;
      return Math.min(t, batch.local.peekTime());
    }

    /** Runs node `i`'s events of the window, in (time, tie) order. */
    function runNode(i: number): void {
      const local = batch.local;
      cur = i;
      curAt = batch.first(i);
      curEnd = batch.end(i);
      for (;;) {
        const e = curAt < curEnd ? batch.at(curAt) : -1;
        const lt = local.peekTime();
        if (e < 0 && lt === Infinity) break;
        const fromLocal = e < 0 ||
          lt < batch.time(e) || (lt === batch.time(e) && local.peekSeq() < batch.tie(e));
        if (fromLocal) {
          local.next();
          dispatch(local.kind, i, local.time, local.a, local.b, local.size);
        } else {
          curAt++;
          dispatch(batch.kind(e), i, batch.time(e), batch.a(e), batch.b(e), batch.size(e));
        }
      }
      cur = -1;
    }

    /** Runs one event of node `i`. */
    function dispatch(
      kind: number,
      i: number,
      now: number,
      a: unknown,
      b: unknown,
      size: number | undefined,
    ): void {
      c.events++;
      switch (kind) {
        case DELIVER:
          onDeliver(i, now, addrs[a as number], b as SimMsg, size!);
          break;
        case LINK:
          if (alive[i] !== 1) linkScheduled[i] = 0;
          else onLink(i, now);
          break;
        case TIMER:
          if (now !== timerAt[i] || alive[i] !== 1) break;
          timerAt[i] = Infinity;
          protoNodes[i]!.handleTimeout(now);
          touch(i, now);
          break;
        case JOIN:
          requests.push({ at: now, node: i, op: "join" });
          break;
        case JOINED:
          joined(i, now, a as number[], b as ListedPeer[]);
          break;
        case PEERS:
          if (alive[i] !== 1) break;
          (i === 0 ? source! : (peers[i] ?? mal[i])!).addPeers(b as ListedPeer[]);
          touch(i, now);
          break;
        case INPUT:
          source!.input(now, payload);
          if (now >= measureFrom) c.streamBytes += payload.length;
          touch(i, now);
          schedule(now + inputEveryMs, tieOf(0), INPUT, 0);
          break;
        case ANNOUNCE:
          if (alive[i] !== 1) break;
          announcedAt[i] = now;
          requests.push({ at: now, node: i, op: "announce" });
          schedule(now + (i === 0 ? 1000 : opts.announceMs), tieOf(i), ANNOUNCE, i);
          break;
        case LEAVE: // a viewer closes the player: the real peer tells the tracker it left
          stop(i, now, true);
          break;
        case EXPIRE:
          requests.push({ at: now, node: i, op: "remove" });
          break;
      }
      if (linkNow >= 0) {
        // The node's link was idle, so its LINK event is due now. When nothing else of the
        // node's is due now, that event is its very next one: run it at once (and count it).
        // Its tie is taken either way, so a node's ties do not depend on the others' events.
        const l = linkNow;
        linkNow = -1;
        const tie = tieOf(l);
        if (l === cur && curNext() > now) {
          c.events++;
          onLink(l, now);
        } else schedule(now, tie, LINK, l);
      }
    }

    /**
     * Runs the window's events (those before `end`) node by node (node_batches.ts): those up
     * to the mass failure, if one falls in the window, then the failure, then the rest.
     */
    function runByNode(end: number): void {
      for (;;) {
        let failure = false;
        while (q.peekTime() < end && q.peekTime() <= endMs && q.next()) {
          if (q.kind === KILL) {
            failure = true;
            boundTime = q.time;
            boundTie = q.seq;
            break;
          }
          batch.take(q);
        }
        if (!failure) {
          boundTime = end;
          boundTie = -Infinity;
        }
        batch.group();
        for (let k = 0; k < batch.nodes; k++) runNode(batch.node(k));
        batch.clear();
        if (!failure) return;
        kill(boundTime);
      }
    }

    /** Runs the window's events in the order of the whole agenda (`agendaOrder`, for tests). */
    function runInAgendaOrder(end: number): void {
      boundTime = boundTie = -Infinity; // nothing goes to a node's batch
      while (q.peekTime() < end && q.peekTime() <= endMs && q.next()) {
        if (q.kind === KILL) kill(q.time);
        else {
          cur = q.node;
          dispatch(q.kind, q.node, q.time, q.a, q.b, q.size);
          cur = -1;
        }
      }
    }

    /** Where the last window ended: nothing handed in may be due before it. */
    let ended = 0;
    const inTime = (at: number) => {
      if (at < ended) throw new Error(`partition ${part}: handed an event ${ended - at} ms late`);
    };
    this.#step = (end: number, input: WindowInput): WindowOutput => {
      for (const t of input.truth) learn(t.seq, t.srcTime, t.auth);
      for (const d of input.datagrams) {
        inTime(d.at);
        q.pushTie(d.at, d.tie, DELIVER, d.to, d.from, d.msg, d.size);
      }
      for (const r of input.replies) {
        inTime(r.at);
        q.pushTie(r.at, r.tie, r.clubs ? JOINED : PEERS, r.node, r.clubs, r.peers);
      }
      ended = end;
      if (opts.agendaOrder) runInAgendaOrder(end);
      else runByNode(end);
      const out: WindowOutput = { datagrams: crossOut, requests, truth: truthOut };
      crossOut = Array.from({ length: parts }, () => []);
      requests = [];
      truthOut = [];
      return out;
    };
  }

  /**
   * Runs the window up to `end` (ms, exclusive; the run's last event is at its end time):
   * first takes in what the other partitions and the tracker sent, then processes every
   * event due before `end`, and returns what goes out.
   */
  step(end: number, input: WindowInput): WindowOutput {
    return this.#step(end, input);
  }

  /** What the partition measured, as plain data. */
  summary(): PartitionSummary {
    const drops: Record<string, number> = {};
    let repairAsked = 0, duplicatesReceived = 0, staleDropped = 0;
    for (let i = 0; i < this.peers.length; i++) {
      const p = this.peers[i] ?? (i === 0 ? this.source : undefined);
      if (!p) continue;
      for (const [why, v] of Object.entries(p.stats.dropped)) drops[why] = (drops[why] ?? 0) + v;
      repairAsked += p.stats.repairAsked;
      duplicatesReceived += p.stats.duplicates;
      staleDropped += p.stats.staleDropped;
    }
    // The club design's source counts its blocks by class too (PeerStats.sent); others do not.
    const src = this.source?.stats as Partial<PeerStats> | undefined;
    return {
      counters: this.counters.snapshot(),
      sourceCounts: {
        blocksSent: { ...src?.sent },
        drops: { ...src?.dropped },
      },
      clubSizes: this.clubSizes,
      peersJoined: this.peers.filter((p) => p).length,
      drops,
      repairAsked,
      duplicatesReceived,
      staleDropped,
    };
  }
}
