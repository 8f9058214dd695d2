/**
 * The virtual swarm: a source and N peers running a design (design.ts: by default the real
 * protocol core of lib/peer and lib/source, or one of the baselines of designs/) on a
 * virtual clock, over the in-memory network of network.ts, with the tracker's club deck in
 * process. One seeded PRNG drives everything, so a seed replays a run exactly.
 *
 * What the simulator leaves out is work whose cost the benchmarks measure, never behaviour:
 * messages are not CBOR-encoded (their sizes come from lib/wire/size.ts, computed from the
 * real encoder per message shape) and blocks are authenticated with the cheap stand-in of
 * lib/auth/standin.ts, which still rejects anything not made by the source.
 */
import { standinPair } from "../lib/auth/standin.ts";
import type { PeerEvent } from "../lib/peer/events.ts";
import type { PeerCore } from "../lib/peer/peer.ts";
import type { PeerConfig } from "../lib/peer/config.ts";
import { Rng } from "../lib/rand.ts";
import { SourceNode } from "../lib/source/source_node.ts";
import { BLOCK_PAYLOAD } from "../lib/wire/budget.ts";
import type { BlockMsg } from "../lib/wire/messages.ts";
import type { Design, SimMsg, SimNode, SimPeer, SimSource } from "./design.ts";
import { CLUBS } from "./designs/clubs.ts";
import { EventQueue } from "./event_queue.ts";
import { RunCounters } from "./metrics.ts";
import { Network } from "./network.ts";
import { SimTracker } from "./sim_tracker.ts";
import { type Churn, type Failure, planLifetimes } from "./lifetimes.ts";
import { placeNode } from "./regions.ts";
import { Forgeries } from "./malicious/forge.ts";
import { MALICIOUS_KINDS, type MaliciousKind, type MaliciousNode } from "./malicious/node.ts";
import { makeMalicious, pickMalicious } from "./malicious/pick.ts";
import { MaliceTally } from "./malicious/tally.ts";

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
  /** Called for every block a peer verified (diagnostics). */
  readonly onReady?: (peer: SimPeer, seq: number, now: number) => void;
  /** Called for every redundant block a peer received (diagnostics). */
  readonly onDuplicate?: (peer: SimPeer, msg: BlockMsg, now: number, from: string) => void;
  /** Called for every data block a peer skipped (diagnostics). */
  readonly onSkip?: (peer: SimPeer, seq: number, now: number) => void;
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

const DELIVER = 0, LINK = 1, TIMER = 2, JOIN = 3, JOINED = 4, INPUT = 5, ANNOUNCE = 6;
const LEAVE = 7, KILL = 8, EXPIRE = 9;

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
   * The honest peers at the end of the run (index i is node `n${i + 1}`), for inspection:
   * PeerCores with the club design.
   */
  readonly cores: readonly (SimPeer | undefined)[];
  readonly source: SimSource;
  /** Upload capacity of each node, bits per second (index 0 is the source). */
  readonly capacities: readonly number[];
  /** With malicious peers: what they did and what honest peers made of it. */
  readonly malice?: MaliceTally;
  /** The malicious peers (index i is node `n${i + 1}`); empty without any. */
  readonly malicious: readonly (MaliciousNode | undefined)[];
  /** Peers that neither left nor died (with churn or a failure; else every peer). */
  readonly survivors: number;
}

/** Runs one simulation. */
export function runSwarm(opts: SwarmOptions): SwarmResult {
  const design = opts.design ?? CLUBS;
  if ((opts.malicious ?? 0) > 0 && design !== CLUBS) {
    throw new Error(`malicious peers are modelled for the club design only, not ${design.name}`);
  }
  const rng = new Rng(opts.seed);
  const netRng = rng.fork();
  const net = new Network({
    minLatencyMs: opts.minLatencyMs,
    maxLatencyMs: opts.maxLatencyMs,
    loss: opts.loss,
    headerBytes: 28,
    seed: opts.seed,
  }, netRng);
  const tracker = new SimTracker(opts.clubs, rng.fork());
  const tag = 0x636c7562;
  const secret = rng.int(2 ** 31);
  const { suite, signer } = standinPair(secret, tag, { memoize: true });
  const q = new EventQueue();
  const c = new RunCounters();
  // The swarm forms during the warm-up; every metric but start-up counts what happens after
  // it (docs/simulator.md). `--warmup 0` measures the formation too.
  const measureFrom = opts.warmupSeconds * 1000;
  const endMs = measureFrom + opts.seconds * 1000;
  const bitrate = opts.bitrateKbps * 1000;
  const clubSizes = new Array(opts.clubs).fill(0);

  // Ground truth from the source: send time of every seq, and which seqs are signatures.
  // Indexed by seq (the source numbers blocks 0, 1, 2, ...), grown by doubling.
  let srcTime = new Float64Array(1 << 14);
  let authSeqs = new Uint8Array(1 << 14);

  // Capacities: the mix dealt over the peers in a shuffled order.
  net.setCapacity(0, bitrate * opts.sourceCapacity);
  const order = rng.shuffle(Array.from({ length: opts.peers }, (_, i) => i + 1));
  let k = 0;
  for (const [share, mult] of opts.capacityMix) {
    const n = Math.round(share * opts.peers);
    for (let j = 0; j < n && k < order.length; j++) net.setCapacity(order[k++], bitrate * mult);
  }
  const lastMult = opts.capacityMix[opts.capacityMix.length - 1][1];
  while (k < order.length) net.setCapacity(order[k++], bitrate * lastMult);

  // The source.
  const source = design.makeSource(0, {
    self: "n0",
    clubs: opts.clubs,
    rng: rng.fork(),
    signer,
    suite,
    config: opts.config,
    uploadBps: net.capacity(0),
    streamBps: bitrate,
  });
  // The club source's core, whose store the malicious-peer tally reads.
  const sourceCore = source instanceof SourceNode ? source.core : undefined;
  source.onBlock = (b) => {
    if (b.seq >= srcTime.length) {
      const len = Math.max(srcTime.length * 2, b.seq + 1);
      const t = new Float64Array(len), a = new Uint8Array(len);
      t.set(srcTime);
      a.set(authSeqs);
      [srcTime, authSeqs] = [t, a];
    }
    srcTime[b.seq] = b.srcTime;
    if (b.kind === "auth") authSeqs[b.seq] = 1;
  };

  // Join times (a flash crowd moves the last peers' later), then the plan of who leaves or
  // dies when, from a random stream of its own (lifetimes.ts).
  const firstJoins = new Float64Array(opts.peers + 1);
  const late = opts.lateJoin;
  const lateFrom = late ? opts.peers - Math.round(late.share * opts.peers) : Infinity;
  for (let i = 1; i <= opts.peers; i++) {
    const at = rng.range(0, opts.joinSpreadMs);
    firstJoins[i] = i > lateFrom ? late!.atMs + (at / opts.joinSpreadMs) * late!.spreadMs : at;
  }
  const scenarioRng = new Rng((Math.imul(opts.seed, 0x27d4eb2f) ^ 0x5343454e) >>> 0);
  const plan = planLifetimes(
    opts.peers,
    firstJoins,
    endMs,
    scenarioRng,
    opts.capacityMix,
    opts.churn,
    opts.failure,
  );
  const recoveryFrom = opts.recoveryFromMs ?? Infinity;

  // Per-node state as parallel arrays indexed by node (0 is the source): every event reads
  // some of it, and compact arrays stay in cache where one object per node would not.
  const count = plan.count;
  const addrs: string[] = Array.from({ length: count }, (_, i) => `n${i}`);
  const protoNodes: (SimNode | undefined)[] = new Array(count).fill(undefined);
  const peers: (SimPeer | undefined)[] = new Array(count).fill(undefined);
  const busyUntil = new Float64Array(count);
  const linkScheduled = new Uint8Array(count);
  const timerAt = new Float64Array(count).fill(Infinity);
  const joinAt = plan.joinAt;
  /** 1 while a node is in the swarm (joined, not left or dead); the source always. */
  const alive = new Uint8Array(count);
  /** 1 once a node has left or died (it never comes back). */
  const gone = new Uint8Array(count);
  /** When each node last announced (the tracker forgets a dead one 3 intervals later). */
  const announcedAt = new Float64Array(count);
  // Malicious peers, if any: picked and driven by random streams of their own, so the honest
  // rest of the run is drawn exactly as without them.
  const kindOf = (opts.malicious ?? 0) > 0
    ? pickMalicious(opts.peers, opts.malicious!, opts.maliciousKinds ?? MALICIOUS_KINDS, opts.seed)
    : undefined;
  const mal: (MaliciousNode | undefined)[] = new Array(kindOf ? count : 0).fill(undefined);
  const forgeries = kindOf && new Forgeries(tag, (secret ^ 0x2545f491) >>> 0);
  const malRng = new Rng((Math.imul(opts.seed, 0x85ebca77) ^ 0x4a554e4b) >>> 0);
  const tally = forgeries && new MaliceTally(forgeries, (j) => kindOf!.get(j));
  /** A node whose idle link has something to send now (see the main loop), or -1. */
  let linkNow = -1;
  // Addresses are "n<index>"; parsed by hand, as this runs for every datagram.
  const indexOf = (addr: string) => {
    let v = 0;
    for (let i = 1; i < addr.length; i++) v = v * 10 + addr.charCodeAt(i) - 48;
    return v;
  };
  // Replacements' uploads; with the regions model, every node's place on the map.
  for (let j = opts.peers + 1; j < count; j++) {
    net.setCapacity(j, bitrate * plan.replacementMult[j - opts.peers - 1]);
  }
  if (opts.network === "regions") {
    const geo = new Rng((Math.imul(opts.seed, 0x165667b1) ^ 0x47454f) >>> 0);
    net.place(0, placeNode(geo, opts.sourceCapacity, 0));
    for (let j = 1; j < count; j++) net.place(j, placeNode(geo, net.capacity(j) / bitrate));
  }

  protoNodes[0] = source;
  alive[0] = 1;
  const payload = new Uint8Array(BLOCK_PAYLOAD);
  const inputEveryMs = (BLOCK_PAYLOAD * 8 * 1000) / bitrate;
  q.push(0, INPUT, 0);
  q.push(0, ANNOUNCE, 0);
  q.push(0, TIMER, 0);
  timerAt[0] = 0;

  for (let i = 1; i < count; i++) q.push(joinAt[i], JOIN, i);
  for (let i = 1; i < count; i++) if (plan.leaveAt[i] < endMs) q.push(plan.leaveAt[i], LEAVE, i);
  if (plan.victims.length > 0) q.push(plan.killAt, KILL, 0);

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
    if (tellTracker) tracker.remove(addrs[i]);
    else q.push(Math.max(now, announcedAt[i] + 3 * opts.announceMs), EXPIRE, i);
  }

  function touch(i: number, now: number): void {
    drainEvents(i, now);
    const node = protoNodes[i]!;
    const t = Math.max(node.pollTimeout(), now);
    if (t < timerAt[i]) {
      timerAt[i] = t;
      q.push(t, TIMER, i);
    }
    if (linkScheduled[i] === 0 && node.hasPending()) {
      linkScheduled[i] = 1;
      if (busyUntil[i] <= now) linkNow = i;
      else q.push(busyUntil[i], LINK, i);
    }
  }

  function onLink(i: number, now: number): void {
    linkScheduled[i] = 0;
    const dg = protoNodes[i]!.pollTransmit(now);
    if (!dg) return;
    const size = design.size(dg.msg);
    const honest = !kindOf || !mal[i];
    if (now >= measureFrom && honest) c.sent(dg.msg.t, size, i === 0);
    if (tally && honest && dg.msg.t === "block") tally.onSend((dg.msg as BlockMsg).block);
    const until = busyUntil[i] = now + net.serializeMs(i, size);
    const to = indexOf(dg.to);
    const at = net.arrival(until, i, to);
    if (at === undefined) c.datagramsLost++;
    else q.push(at, DELIVER, to, i, dg.msg, size);
    linkScheduled[i] = 1;
    q.push(until, LINK, i);
  }

  function onDeliver(i: number, now: number, from: string, msg: SimMsg, size: number): void {
    if (alive[i] !== 1) return;
    const node = protoNodes[i]!;
    const peer = peers[i];
    if (msg.t === "block" && peer && now >= measureFrom) {
      if (peer.holds((msg as BlockMsg).block.seq)) {
        c.redundantBlockBytes += size;
        opts.onDuplicate?.(peer, msg as BlockMsg, now, from);
      } else c.usefulBlockBytes += size;
    }
    node.handleMessage(now, from, msg);
    touch(i, now);
  }

  while (q.next() && q.time <= endMs) {
    c.events++;
    const now = q.time;
    const i = q.node;
    switch (q.kind) {
      case DELIVER:
        onDeliver(i, now, addrs[q.a as number], q.b as SimMsg, q.size!);
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
        q.push(now + opts.trackerRttMs, JOINED, i, tracker.deck.deal());
        break;
      case JOINED: {
        if (gone[i] === 1) break; // left or died before the tracker answered
        const clubs = q.a as [number, number];
        for (const cl of clubs) clubSizes[cl]++;
        const peer = design.makePeer(now, {
          self: addrs[i],
          clubs: opts.clubs,
          myClubs: clubs,
          suite,
          rng: rng.fork(),
          source: "n0",
          config: opts.config,
          playDelayMs: opts.playDelayMs,
          uploadBps: net.capacity(i),
          streamBps: bitrate,
        });
        peer.addPeers(tracker.sample(addrs[i], 50));
        tracker.add(addrs[i], clubs);
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
        q.push(now + opts.announceMs, ANNOUNCE, i);
        timerAt[i] = now;
        q.push(now, TIMER, i);
        break;
      }
      case INPUT:
        source.input(now, payload);
        if (now >= measureFrom) c.streamBytes += payload.length;
        touch(i, now);
        q.push(now + inputEveryMs, INPUT, 0);
        break;
      case ANNOUNCE: {
        if (alive[i] !== 1) break;
        announcedAt[i] = now;
        const list = tracker.sample(addrs[i], 50);
        if (i === 0) source.addPeers(list);
        else (peers[i] ?? mal[i])!.addPeers(list);
        touch(i, now);
        q.push(now + (i === 0 ? 1000 : opts.announceMs), ANNOUNCE, i);
        break;
      }
      case LEAVE: // a viewer closes the player: the real peer tells the tracker it left
        stop(i, now, true);
        break;
      case KILL: // a mass failure: the victims vanish without a word
        for (const v of plan.victims) stop(v, now, false);
        break;
      case EXPIRE:
        tracker.remove(addrs[i]);
        break;
    }
    if (linkNow >= 0) {
      // The node's link was idle, so its LINK event would be due now. When nothing else is
      // due now, that event is the very next one: run it at once, without the queue (and
      // count it). Otherwise queue it behind what is due now, as it would have been.
      const l = linkNow;
      linkNow = -1;
      if (q.peekTime() > now) {
        c.events++;
        onLink(l, now);
      } else q.push(now, LINK, l);
    }
  }

  const drops: Record<string, number> = {};
  let repairAsked = 0, duplicatesReceived = 0, staleDropped = 0;
  for (let i = 0; i < count; i++) {
    const p = peers[i] ?? (i === 0 ? source : undefined);
    if (!p) continue;
    for (const [why, v] of Object.entries(p.stats.dropped)) drops[why] = (drops[why] ?? 0) + v;
    repairAsked += p.stats.repairAsked;
    duplicatesReceived += p.stats.duplicates;
    staleDropped += p.stats.staleDropped;
  }
  return {
    counters: c,
    clubSizes,
    peersJoined: peers.filter((p) => p).length,
    drops,
    repairAsked,
    duplicatesReceived,
    staleDropped,
    cores: peers.slice(1),
    capacities: addrs.map((_, i) => net.capacity(i)),
    source,
    malice: tally,
    malicious: mal.slice(1),
    survivors: plan.survivor.reduce((a, b) => a + b, 0),
  };
}
