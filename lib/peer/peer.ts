/**
 * The peer state machine (sans-IO). It owns no socket and no timer: the driver hands it
 * datagrams with `handleMessage(now, from, msg)`, wakes it with `handleTimeout(now)` at
 * `pollTimeout()`, sends what `pollTransmit(now)` returns and reads `pollEvent()`. The same
 * class runs in the real `peer`, in the `source` (role "source") and in the simulator.
 *
 * The protocol pieces live beside it: connection set-up and the replacement rules in
 * peer_conns.ts, housekeeping in peer_tick.ts, relaying in peer_relay.ts.
 */
import { BlockAuthenticator } from "../auth/authenticator.ts";
import { onAnswer } from "./audit.ts";
import { sameBlock } from "../auth/shape.ts";
import type { AuthSuite } from "../auth/suite.ts";
import { CatchUpFeed } from "./catch_up.ts";
import { ConnectTimeout } from "./connect_timeout.ts";
import { forgiveStall } from "./stall.ts";
import { Playback, type PlaybackOptions } from "../playback/playback.ts";
import type { Rng } from "../rand.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import type { Addr, Bitfield, Block, BlockMsg, Msg } from "../wire/messages.ts";
import { pingPad, wireSize } from "../wire/size.ts";
import { AddrGuard } from "./addr_guard.ts";
import { BanList } from "./ban_list.ts";
import { BlockStore } from "./block_store.ts";
import { DEFAULT_CONFIG, type PeerConfig } from "./config.ts";
import { ConnTable } from "./conn_table.ts";
import type { DownConn, UpConn } from "./conns.ts";
import { Deque } from "./deque.ts";
import { Directory } from "./directory.ts";
import type { PeerEvent } from "./events.ts";
import type { ProtocolNode } from "./node.ts";
import { LagMark } from "./lag_mark.ts";
import { RepairTracker } from "./repair.ts";
import { answersOffer, onOffer } from "./offer.ts";
import { SeqRing } from "./seq_ring.ts";
import { ArrivalAges } from "./arrival_ages.ts";
import { HaveBatch } from "./have_batch.ts";
import { UploadLimit } from "./upload_limit.ts";
import { TokenBucket } from "./token_bucket.ts";
import { type BlockClass, UploadQueue } from "./upload_queue.ts";
import {
  dropConn,
  handleAccept,
  handleConnectMsg,
  handleDrop,
  onValidated,
  punish,
} from "./peer_conns.ts";
import {
  nextDatagram,
  noteHaveLag,
  relay,
  sendArrivals,
  sendHave,
  sendRepairedHave,
} from "./peer_relay.ts";
import { askRepairs, tick } from "./peer_tick.ts";
import { LossGauge } from "./loss_gauge.ts";
import { OwnOverflow } from "./own_overflow.ts";
import { countOf, plausibleCount } from "./conn_counter.ts";

/** What a peer core needs at birth. */
export interface PeerInit {
  /** This node's own address (as far as it knows; pongs may correct it). */
  readonly self: Addr;
  readonly role: "peer" | "source";
  /** Number of clubs in the swarm. */
  readonly clubs: number;
  /** This peer's clubs (ignored for the source, which is in every club). */
  readonly myClubs: readonly number[];
  /** Verifier of blocks; the source needs none. */
  readonly suite: AuthSuite | null;
  readonly rng: Rng;
  /** The source's address, when known: its connections are never dropped as surplus. */
  readonly source?: Addr;
  readonly config?: Partial<PeerConfig>;
  readonly playback?: Partial<PlaybackOptions>;
}

/** Counters a driver can show or a test can check. */
export interface PeerStats {
  blocksIn: number;
  duplicates: number;
  unsolicited: number;
  /** "drop"s without their connection's cookie, ignored (peer_conns.ts, handleDrop). */
  spoofedDrops: number;
  /** Live blocks whose counter was not their connection's (conn_counter.ts): dropped. */
  spoofedBlocks: number;
  forged: number;
  /**
   * Forged or misplaced copies, found so on arrival, that could not be blamed on their sender
   * (no ban); those found forged once their signature came are in the authenticator's counts.
   */
  forgedUnblamed: number;
  wrongClub: number;
  /** Blocks sent, by send-queue class. */
  sent: Record<BlockClass, number>;
  staleDropped: number;
  repairAsked: number;
  repairServed: number;
  /** Held blocks offered to in-club downstreams instead of sent (offer.ts). */
  offered: number;
  /** Blocks offered to this peer that it asked for. */
  offerWanted: number;
  /** Blocks sent in answer to a "want" of one this peer offered. */
  offerServed: number;
  dropped: Record<string, number>;
}

/** The default playback options of a peer. */
export const DEFAULT_PLAYBACK: PlaybackOptions = {
  targetDelayMs: 3000,
  startBufferMs: 1000,
  toleranceMs: 250,
  rateStep: 0.05,
  mode: "skip",
  maxFreezeMs: 400,
  qualityWindowMs: 10_000,
};

/**
 * The merged config for `overrides`, one object per overrides object: a simulated swarm's
 * thousands of peers share one (read on every event, it then stays in cache) instead of
 * each holding a copy. Configs are never written after they are made.
 */
const CONFIGS = new WeakMap<Partial<PeerConfig>, PeerConfig>();
let defaultConfig: PeerConfig | undefined;

function configFor(overrides: Partial<PeerConfig> | undefined): PeerConfig {
  if (overrides === undefined) return defaultConfig ??= { ...DEFAULT_CONFIG };
  let cfg = CONFIGS.get(overrides);
  if (cfg === undefined) CONFIGS.set(overrides, cfg = { ...DEFAULT_CONFIG, ...overrides });
  return cfg;
}

/**
 * The source's delivery checks (audit.ts) a peer answers per second at most: the source asks
 * once per `auditEveryMs` for each club it pushes to the peer (two at most), and a spoofer
 * naming the source gets no more out of it.
 */
const CHECKS_PER_SEC = 4;

/**
 * First copies a peer remembers (`nearCopy`), less one: a power of two less one. Only those
 * that came over an in-club download are noted, a sixth of the stream, and are read for
 * `leadNearMs` after: 256 are a few seconds' worth at any usual rate, in 6 KB a peer.
 */
const FIRSTS_MASK = 255;

/** One peer (or the source) of a clubcast swarm. */
export class PeerCore implements ProtocolNode {
  readonly cfg: PeerConfig;
  readonly role: "peer" | "source";
  readonly clubs: number;
  readonly myClubs: ReadonlySet<number>;
  /** 1 at each of {@link myClubs} (a typed array: asked for every block, no hashing). */
  readonly #mine: Uint8Array;
  readonly rng: Rng;
  /** The source's address, when known; the program moves it when the tracker does. */
  source: Addr | undefined;
  self: Addr;
  /** The address the last pong said we have. */
  publicAddr: Addr | undefined;

  readonly auth: BlockAuthenticator | undefined;
  readonly store: BlockStore;
  readonly seen: SeqRing;
  /** `seen.has` as a function made once (the repair tracker asks it for every block). */
  readonly isSeen = (seq: number): boolean => this.seen.has(seq);
  readonly ups = new ConnTable<UpConn>();
  readonly downs = new ConnTable<DownConn>();
  readonly queue: UploadQueue;
  /** "have"s gathered until the peer next sends (have_batch.ts). */
  readonly haveBatch = new HaveBatch();
  /**
   * How old signature blocks were when they first came (`authHoldAgeQ`'s quantile), for the
   * holds of other clubs' signature blocks (peer_relay.ts, `authHoldFor`); undefined when off.
   */
  readonly authAges: ArrivalAges | undefined;
  /** How much of the live downloads' datagrams was lost lately: offers are taken below a mark. */
  readonly lossGauge: LossGauge = new LossGauge();
  /** What the own socket dropped, not held against the downloads' links (own_overflow.ts). */
  readonly ownOverflow = new OwnOverflow();
  readonly directory: Directory;
  readonly bans: BanList;
  readonly repair: RepairTracker;
  /** Cookies, and the 3x bound on what goes to addresses not yet validated (addr_guard.ts). */
  readonly guard: AddrGuard;
  /** New uploads whose catch-up waits for the downstream to echo this peer's cookie. */
  readonly awaitingEcho = new Map<UpConn, Bitfield | null>();
  /**
   * The connection each missing seq was last asked over ("want"): when the block comes from
   * elsewhere first, a "have" on that connection spares the holder the repair.
   */
  readonly askedOf = new Map<number, DownConn>();
  /** The newest seq held, as it was `repairOverdueMs` ago (the repair sweep's limit). */
  readonly topMark: LagMark;
  /** The same at `entryOverdueMs`, swept while playback waits for an entry point. */
  readonly entryMark: LagMark;
  /** The same at `orphanOverdueMs`, swept for clubs no download brings (peer_tick.ts). */
  readonly orphanMark: LagMark;
  /** Paced history for new downstreams (catch_up.ts), and when it was last fed. */
  readonly catchUps = new CatchUpFeed();
  // Numeric fields that the constructor sets get a number here too: a field declared bare
  // starts as undefined, and V8 then boxes every later store of a fraction (a new object and
  // a write barrier each time; these are written on every event or tick).
  catchUpFedAt = 0;
  readonly playback: Playback | undefined;
  readonly events = new Deque<PeerEvent>();
  readonly pings = new Map<number, Addr>();
  readonly lastFind = new Map<number, number>();
  /**
   * The "find"s this peer sent and not yet heard back from, by nonce: only an answer to one
   * of them, from the peer asked, about the club asked, is learned (at most FINDS_MAX,
   * peer_tick.ts).
   */
  readonly finds = new Map<number, { readonly to: Addr; readonly club: number }>();
  /** When the source last refused (or ignored) a download of each club. */
  readonly sourceRefusedAt = new Map<number, number>();
  readonly stats: PeerStats = {
    blocksIn: 0,
    duplicates: 0,
    unsolicited: 0,
    spoofedDrops: 0,
    spoofedBlocks: 0,
    forgedUnblamed: 0,
    forged: 0,
    wrongClub: 0,
    sent: { auth: 0, in: 0, out: 0, repair: 0, bulk: 0 },
    staleDropped: 0,
    repairAsked: 0,
    repairServed: 0,
    offered: 0,
    offerWanted: 0,
    offerServed: 0,
    dropped: {},
  };
  /** The source's delay threshold and bitrate estimate, from its latest signature block. */
  thresholdMs = 0;
  bitrate = 0;
  /** Lowest sequence number this peer still cares about (set by the first block). */
  firstSeq: number | undefined;
  /** A block came on a connection's live stream (not as history or repair). */
  liveSeen = false;
  /** When the latest such block came (-Infinity: none yet). */
  lastLiveAt = -Infinity;
  nextTick = 0;
  /**
   * How long blocks for out-of-club downstreams wait in this peer's send queue, ms (moving
   * average). They are the first to wait when the upload is short (in-club blocks and
   * signatures go first), so this is the measure of saturation.
   */
  queueDelayMs = 0;
  lastShed = -Infinity;
  lastLeadRound = -Infinity;
  /** Repairs this peer serves are rate-limited, so "want"s cannot eat its upload. */
  readonly repairTokens: TokenBucket;
  /** How long a download request may go unanswered, from how long accepts took. */
  readonly connectWait: ConnectTimeout;
  /** The source's delivery checks answered (audit.ts), apart from the repairs. */
  readonly checkTokens: TokenBucket;
  /** The out-of-club uploads this peer learned it can carry (upload_limit.ts). */
  readonly uploadLimit: UploadLimit;
  withdrawn = false;
  /** Queues a connection's gathered "have"s (HaveBatch.takeAll): made once. */
  readonly #sendHaves = (down: DownConn, seqs: number[]): void => sendArrivals(this, down, seqs);
  /** When the node last ran (a message or a timeout), to see stalls (stall.ts). */
  #ranAt = 0;

  /** A peer born at `now`. */
  constructor(now: number, init: PeerInit) {
    this.cfg = configFor(init.config);
    this.role = init.role;
    this.authAges = this.cfg.authHoldAgeQ > 0 ? new ArrivalAges(this.cfg.authHoldAgeQ) : undefined;
    this.clubs = init.clubs;
    if (!Number.isInteger(init.clubs) || init.clubs < 2) throw new RangeError("need >= 2 clubs");
    const mine = init.role === "source"
      ? Array.from({ length: init.clubs }, (_, i) => i)
      : [...init.myClubs];
    for (const c of mine) {
      if (!Number.isInteger(c) || c < 0 || c >= init.clubs) throw new RangeError(`bad club ${c}`);
    }
    this.myClubs = new Set(mine);
    this.#mine = new Uint8Array(init.clubs);
    for (const c of mine) this.#mine[c] = 1;
    this.rng = init.rng;
    this.self = init.self;
    this.source = init.source;
    if (init.role === "peer" && !init.suite) throw new TypeError("a peer needs an AuthSuite");
    this.auth = init.suite
      ? new BlockAuthenticator(init.suite, { window: this.cfg.storeSeqs })
      : undefined;
    this.store = new BlockStore(this.cfg.storeSeqs);
    this.seen = new SeqRing(this.cfg.storeSeqs * 2);
    this.queue = new UploadQueue(this.cfg.inRunMax);
    this.directory = new Directory(this.cfg.directoryMax);
    this.bans = new BanList({
      rollMs: this.cfg.banRollMs,
      releaseChance: this.cfg.banReleaseChance,
      provenReleaseChance: this.cfg.banProvenReleaseChance,
      max: this.cfg.banMax,
    }, this.rng.fork());
    this.repair = new RepairTracker({
      clubs: this.clubs,
      graceMs: this.cfg.repairGraceMs,
      retryMs: this.cfg.repairRetryMs,
      maxTries: this.cfg.repairMaxTries,
      maxMissing: 512,
    });
    this.topMark = new LagMark(this.cfg.repairOverdueMs);
    this.entryMark = new LagMark(this.cfg.entryOverdueMs);
    this.orphanMark = new LagMark(this.cfg.orphanOverdueMs);
    this.guard = new AddrGuard(this.rng, { factor: this.cfg.amplification });
    this.playback = init.role === "peer"
      ? new Playback({ ...DEFAULT_PLAYBACK, ...init.playback })
      : undefined;
    this.thresholdMs = this.cfg.defaultThresholdMs;
    this.connectWait = new ConnectTimeout(
      this.cfg.connectRttFactor,
      this.cfg.connectTimeoutMinMs,
      this.cfg.connectTimeoutMs,
    );
    this.repairTokens = new TokenBucket(
      this.cfg.repairServePerSec,
      this.cfg.repairServePerSec,
      now,
    );
    this.checkTokens = new TokenBucket(CHECKS_PER_SEC, CHECKS_PER_SEC, now);
    this.uploadLimit = new UploadLimit(this.cfg.uploadLimitGrowMs);
    this.nextTick = now;
    this.#ranAt = now;
    this.catchUpFedAt = now;
  }

  /**
   * Notes that the node runs at `now`; after a stall (stall.ts) the time it did not run, past
   * a tick, is not counted as anyone's silence.
   */
  #run(now: number): void {
    const gap = now - this.#ranAt;
    if (gap > this.cfg.stallMs) forgiveStall(this, gap - this.cfg.tickMs);
    if (now > this.#ranAt) this.#ranAt = now;
  }

  /** True if `club` is one of this peer's clubs: `myClubs.has(club)`. */
  isMine(club: number): boolean {
    return typeof club === "number" && this.#mine[club] === 1;
  }

  /** Peers learned from the tracker (or any other introducer). */
  addPeers(list: readonly { readonly addr: Addr; readonly clubs: readonly number[] }[]): void {
    for (const p of list) {
      if (p.addr !== this.self && p.addr !== this.publicAddr) this.directory.learn(p.addr, p.clubs);
    }
  }

  /** The own socket dropped `count` datagrams before those about to come (node.ts). */
  noteReceiveOverflow(now: number, count: number): void {
    this.ownOverflow.note(now, count);
  }

  /** A datagram from `from`, already decoded. */
  handleMessage(now: number, from: Addr, msg: Msg): void {
    if (this.withdrawn || from === this.self) return;
    this.#run(now);
    // Blocks, haves and keep-alives come over a connection: looked up first, as its record
    // may know that `from` is validated, which spares the guard's lookup (#received).
    const conn = msg.t === "block"
      ? this.role === "source" ? undefined : this.downs.find(from, msg.club)
      : msg.t === "have" || msg.t === "keepalive"
      ? this.ups.find(from, msg.club)
      : msg.t === "offer"
      ? this.downs.find(from, msg.club)
      : undefined;
    this.#received(from, msg, conn);
    switch (msg.t) {
      case "block":
        return this.#onBlock(now, from, msg, conn as DownConn | undefined);
      case "have": {
        const up = conn as UpConn | undefined;
        if (!up) return;
        up.lastKeepalive = now;
        if (msg.seqs.length > 0) up.lastHaveAt = now;
        // A list of what the downstream held when the connection opened is no news of arrivals:
        // the hold is learned from the others only.
        const learn = up.inClub && !up.lead && !msg.list;
        for (const s of msg.seqs) {
          // Only seqs this peer could hold: haves of far ones would grow the set without bound.
          if (s < this.store.floor || s > this.store.top + this.cfg.storeSeqs) continue;
          up.haves.add(s);
          if (learn) noteHaveLag(this, now, up, s);
        }
        return;
      }
      case "keepalive": {
        const up = conn as UpConn | undefined;
        if (up) {
          up.lastKeepalive = now;
          up.lead = msg.lead;
          up.offers = msg.offers;
          // The downstream's echo of our cookie: once it proves its address, uploads flow.
          if (this.guard.check(from, msg.cookie)) onValidated(this, now, from);
        }
        return;
      }
      case "ping":
        return this.send(from, this.pong(from, msg.nonce));
      case "pong": {
        if (this.pings.get(msg.nonce) !== from) return;
        this.pings.delete(msg.nonce);
        // Nonces are unpredictable (AddrGuard.nonce): only `from` can have seen this one.
        if (this.guard.validate(from)) onValidated(this, now, from);
        if (this.role === "peer" || msg.clubs.length > 0) this.directory.pong(now, from, msg);
        this.publicAddr = msg.you;
        return;
      }
      case "find":
        if (this.guard.check(from, msg.cookie)) onValidated(this, now, from);
        return this.#answerFind(from, msg.club, msg.nonce);
      case "peers": {
        // Introductions only from whom we asked: unsolicited ones would let anyone fill the
        // directory with made-up addresses and evict every real peer from it.
        const asked = this.finds.get(msg.nonce);
        if (asked?.to !== from || asked.club !== msg.club) return void this.stats.unsolicited++;
        this.finds.delete(msg.nonce);
        for (const a of msg.peers) {
          if (a !== this.self && a !== this.publicAddr) this.directory.learn(a, [msg.club]);
        }
        return;
      }
      case "connect":
        return handleConnectMsg(this, now, from, msg);
      case "accept":
        return handleAccept(this, now, from, msg);
      case "drop":
        return handleDrop(this, now, from, msg);
      case "want":
        return this.#answerWant(now, from, msg.seqs);
      case "offer":
        return onOffer(this, now, from, msg, conn as DownConn | undefined);
    }
  }

  /** Housekeeping; call at `pollTimeout()`. */
  handleTimeout(now: number): void {
    if (this.withdrawn) return;
    this.#run(now);
    this.queue.release(now);
    if (now < this.nextTick) return;
    this.nextTick = now + this.cfg.tickMs;
    tick(this, now);
  }

  /** When `handleTimeout` (or, for held blocks, `pollTransmit`) wants to run next. */
  pollTimeout(): number {
    return Math.min(this.nextTick, this.queue.heldUntil() ?? Infinity);
  }

  /**
   * The next datagram to send, or undefined when there is nothing. Answers to an address not
   * yet validated that would take it past 3x the bytes it sent are dropped here (blocks are
   * checked as they leave the queue, peer_relay.ts); this peer's own requests ("ping",
   * "find", "connect", sent to peers it chose) are not answers.
   */
  pollTransmit(now: number): { to: Addr; msg: Msg } | undefined {
    if (this.haveBatch.size > 0) this.haveBatch.takeAll(this.#sendHaves);
    for (;;) {
      const out = nextDatagram(this, now);
      if (out === undefined) return undefined;
      const t = out.msg.t;
      if (t === "block" || t === "ping" || t === "find" || t === "connect") return out;
      if (this.guard.allow(out.to, wireSize(out.msg))) return out;
    }
  }

  /** The next event, or undefined. */
  pollEvent(): PeerEvent | undefined {
    return this.events.shift();
  }

  /** True when datagrams wait to be sent. */
  hasPending(): boolean {
    return !this.queue.empty || this.haveBatch.size > 0;
  }

  /** True if this peer has received (not necessarily verified yet) block `seq`. */
  holds(seq: number): boolean {
    return this.seen.has(seq);
  }

  /** The source hands in a block it made. */
  originate(now: number, block: Block): void {
    if (this.role !== "source") throw new TypeError("only the source originates blocks");
    this.seen.add(block.seq);
    this.store.put(block, now);
    if (block.kind === "auth") {
      this.thresholdMs = block.threshold;
      this.bitrate = block.bitrate;
    }
    relay(this, now, block, this.self);
  }

  /** Queues a control message. */
  send(to: Addr, msg: Msg): void {
    this.queue.control(to, msg);
  }

  /** A pong for `to`. */
  pong(to: Addr, nonce: number): Msg {
    return {
      t: "pong",
      nonce,
      you: to,
      clubs: this.role === "source" ? [] : [...this.myClubs],
      up: this.ups.size,
      upIn: this.ups.inClubCount,
      down: this.downs.size,
      downIn: this.downs.inClubCount,
      full: this.isFull(),
      cookie: this.guard.cookie(to),
    };
  }

  /**
   * Blocks per second in one club at the stream rate of the latest signature block, or at
   * `fallbackBps` before one came (0 by default).
   */
  clubBlocksPerSec(fallbackBps = 0): number {
    return (this.bitrate || fallbackBps) / (BLOCK_PAYLOAD * 8) / this.clubs;
  }

  /** Accounts the time an out-of-club block waited before it was sent or found stale. */
  noteQueueDelay(ms: number): void {
    this.queueDelayMs += 0.1 * (ms - this.queueDelayMs);
  }

  /**
   * True when this peer's uploads are saturated (see PeerConfig.fullDelayMs), or when it
   * carries as many out-of-club uploads as it learned it can (PeerConfig.uploadLimitGrowMs).
   */
  isFull(): boolean {
    if (this.uploadLimit.reached(this.outUploads())) return true;
    return this.queue.blocksWaiting > 0 && this.queueDelayMs > this.cfg.fullDelayMs;
  }

  /** Upload connections to downstreams outside their club, accepted or not yet. */
  outUploads(): number {
    return this.ups.size - this.ups.inClubCount;
  }

  /** Sends a ping and remembers its nonce. */
  ping(now: number, to: Addr): void {
    const nonce = this.guard.nonce();
    this.pings.set(nonce, to);
    const known = this.directory.get(to);
    if (known) known.pingAt = now;
    // Padded so that the pong fits within 3x of it (docs/protocol.md, "Address validation").
    this.send(to, { t: "ping", nonce, pad: pingPad(nonce) });
  }

  #answerFind(from: Addr, club: number, nonce: number): void {
    if (!Number.isInteger(club) || club < 0 || club >= this.clubs) return;
    const members = this.directory.members(club).map((p) => p.addr).filter((a) => a !== from);
    this.rng.shuffle(members);
    const peers = members.slice(0, this.cfg.peersAnswer - 1);
    if (this.role === "peer" && this.myClubs.has(club)) peers.push(this.publicAddr ?? this.self);
    // To an address not yet validated, only as many as fit within 3x of what it sent.
    const msg = { t: "peers", club, nonce, peers } as const;
    const room = this.guard.room(from);
    while (peers.length > 0 && wireSize(msg) > room) peers.shift();
    this.send(from, msg);
  }

  /** True if this peer has a connection, either way, with `addr`. */
  connectedTo(addr: Addr): boolean {
    return this.ups.hasRemote(addr) || this.downs.hasRemote(addr);
  }

  /**
   * The latest first copies that came live over an in-club download: their seq, when they
   * came and the download they came on, at `seq & FIRSTS_MASK` (`nearCopy`).
   */
  readonly #firstSeq = new Float64Array(FIRSTS_MASK + 1).fill(-1);
  readonly #firstAt = new Float64Array(FIRSTS_MASK + 1);
  readonly #firstFrom: (DownConn | undefined)[] = new Array(FIRSTS_MASK + 1).fill(undefined);

  /**
   * An offer of `seq` (offer.ts) came from in-club download `down` before any copy: `down`
   * held the block `offerHoldMs` and had it before this peer got it from anyone, so the first
   * arrival is scored to it, as its copy's would have been had it pushed at once
   * (peer_tick.ts, chooseLeads); the copy that comes first after it scores nothing.
   */
  firstOffer(now: number, seq: number, down: DownConn): void {
    if (this.cfg.leadNearMs <= 0) return;
    const i = seq & FIRSTS_MASK;
    this.#firstSeq[i] = seq;
    this.#firstAt[i] = now;
    this.#firstFrom[i] = down;
    down.useful++;
  }

  /**
   * A non-lead in-club upstream's copy (or offer, offer.ts) of `seq` came after the first
   * copy. It held the block at least `holdMs` (or `offerHoldMs`) before sending it, so a copy
   * that comes less than `leadNearMs` after the first one was in its hands before the first
   * one's sender sent it: pushed, it would have come first. The first arrival is scored to it
   * instead (peer_tick.ts, chooseLeads), so that an upstream nearer the source becomes the
   * lead.
   */
  nearCopy(now: number, seq: number, down: DownConn): void {
    if (this.cfg.leadNearMs <= 0) return;
    const i = seq & FIRSTS_MASK;
    if (this.#firstSeq[i] !== seq || now - this.#firstAt[i] >= this.cfg.leadNearMs) return;
    const was = this.#firstFrom[i];
    if (was === undefined || was === down || was.club !== down.club) return;
    was.useful--;
    down.useful++;
    this.#firstFrom[i] = down;
  }

  /**
   * Tells the holder `seq` was asked of, if not `from`, that it need not send it; returns
   * the holder so told, if any.
   */
  #cancelAsk(seq: number, from: Addr): Addr | undefined {
    if (this.askedOf.size === 0) return undefined;
    const asked = this.askedOf.get(seq);
    if (asked === undefined) return undefined;
    this.askedOf.delete(seq);
    if (asked.remote === from || !asked.open) return undefined;
    this.send(asked.remote, { t: "have", club: asked.club, seqs: [seq], list: false });
    return asked.remote;
  }

  /**
   * True when `to` said it has `seq`, on any connection: a "have" cancels a repair it asked
   * for. (That we sent it before does not count: a "want" says it was lost.)
   */
  spared(to: Addr, seq: number): boolean {
    const ups = this.ups.ofRemote(to);
    for (let i = 0; i < ups.length; i++) if (ups[i].haves.has(seq)) return true;
    return false;
  }

  #answerWant(now: number, from: Addr, seqs: readonly number[]): void {
    // Only peers we have a connection with get repairs: their address is proven, so a
    // spoofed "want" cannot turn us into an amplifier.
    if (!this.connectedTo(from)) return;
    // The source asks only to check that this peer delivers what it is sent (audit.ts), a
    // block a second or so per club: its checks have a budget of their own and go with the
    // in-club blocks, not after everyone's repairs (whose budget a busy member spends, and
    // which wait behind every other block until they are stale), or an honest but busy
    // member would fail them.
    const check = from === this.source;
    const tokens = check ? this.checkTokens : this.repairTokens;
    const cls = check ? "in" : "repair";
    for (const seq of seqs.slice(0, 16)) {
      if (!this.store.has(seq)) continue;
      if (!check && answersOffer(this, from, seq)) {
        this.stats.offerServed++;
        this.queue.block("in", undefined, from, seq, now);
        continue;
      }
      if (!tokens.take(now)) continue;
      this.stats.repairServed++;
      this.queue.block(cls, undefined, from, seq, now);
    }
  }

  /** The guard's count of a datagram from `from`, spared when `conn` knows `from` is valid. */
  #received(from: Addr, msg: Msg, conn: UpConn | DownConn | undefined): void {
    const epoch = this.guard.epoch;
    if (conn !== undefined && conn.remote === from && conn.guardEpoch === epoch) return;
    if (this.guard.received(from, msg) && conn !== undefined && conn.remote === from) {
      conn.guardEpoch = epoch;
    }
  }

  /** A block from `from`; `down` is this peer's download of its club from `from`, if any. */
  #onBlock(now: number, from: Addr, m: BlockMsg, down: DownConn | undefined): void {
    const b = m.block;
    this.stats.blocksIn++;
    // At the source, a block is a downstream's answer to a delivery check (audit.ts).
    if (this.role === "source") return onAnswer(this, now, from, m);
    // Blocks come only over a connection: a live block on the download it belongs to, a
    // repair or catch-up from any peer we have a connection with (whom we asked). Anything
    // else, and anything from a banned peer, costs no verification, and bans nobody: a
    // stranger's address may be anyone's (a ban for it would let a spoofer cut a peer off
    // from its upstreams, or flush the ban list of its real bans).
    if (this.bans.has(from) || (m.repair ? !this.connectedTo(from) : !down || !down.open)) {
      this.stats.unsolicited++;
      return;
    }
    // A live block's counter tells the upstream's own blocks from a spoofer's: one far from
    // the connection's count was not sent on it, and is dropped before it can blame anyone
    // or count as loss (conn_counter.ts). A repair blames its sender only when this peer
    // asked that sender for it; other repairs and catch-up are checked but blame nobody.
    const count = m.repair ? 0 : countOf(down!.secret, m.n);
    const ownDrops = this.ownOverflow.available(now);
    if (!m.repair && !plausibleCount(count, down!.monitor.newest, ownDrops)) {
      this.stats.spoofedBlocks++;
      return;
    }
    const blame = !m.repair || this.askedOf.get(b.seq)?.remote === from;
    // A block travels on its own club's connections; a signature block may also come on any
    // in-club connection of this peer (peer_relay.ts).
    if (b.seq % this.clubs !== m.club && !(b.kind === "auth" && this.isMine(m.club))) {
      this.stats.wrongClub++;
      return this.#blame(now, from, blame);
    }
    const verdict = m.repair
      ? "ok"
      : down!.monitor.onBlock(now, b.srcTime, count, this.thresholdMs, ownDrops);
    if (!m.repair) {
      this.ownOverflow.use(down!.monitor.excusedBefore);
      this.liveSeen = true;
      this.lastLiveAt = now;
      this.lossGauge.note(down!.monitor.skippedBefore);
    }
    // Every copy is offered until the seq verifies: if a forger's copy came first, the
    // honest one must still get its chance. A copy found forged at once (its leaf was known,
    // or its signature fails) that blames nobody, perhaps a spoofer's, is no arrival of its
    // seq: not marked seen, "have"d or taken for the answer to an ask, so the seq is still
    // repaired. A forger's own copy still is, as before: the numbers it shows bring the
    // repairs of its club's holes forward once its link is dropped (in the simulator's
    // malicious runs, honest delivery fell from 0.996 to 0.991 without that).
    const r = this.auth!.isVerified(b.seq) ? undefined : this.auth!.offer(b, from, blame);
    if (r !== undefined) {
      // Indexed loops: for...of would allocate iterator results here, for every block.
      this.stats.forged += r.forgedFrom.length;
      for (let i = 0; i < r.forgedFrom.length; i++) punish(this, now, r.forgedFrom[i]);
      if (r.verdict === "forged") {
        this.stats.forged++;
        this.#blame(now, from, blame);
        if (!blame) return;
      }
    }
    const first = !this.seen.has(b.seq);
    if (first) {
      this.seen.add(b.seq);
      // An offer of it came first (offer.ts, `firstOffer`): its sender has the first arrival.
      const offered = this.#firstSeq[b.seq & FIRSTS_MASK] === b.seq;
      if (!offered && down !== undefined && down.inClub && !m.repair && this.cfg.leadNearMs > 0) {
        const i = b.seq & FIRSTS_MASK;
        this.#firstSeq[i] = b.seq;
        this.#firstAt[i] = now;
        this.#firstFrom[i] = down;
      }
      this.firstSeq ??= b.seq;
      if (b.kind === "auth") this.authAges?.add(now - b.srcTime);
      if (down && !m.repair && !offered) down.useful++;
      if (m.repair && down !== undefined) this.#historyArrived(now, down, b.seq);
      const told = this.#cancelAsk(b.seq, from);
      if (b.kind === "auth" || this.isMine(m.club)) {
        sendHave(this, b.seq, b.kind === "auth", from);
      } else if (m.repair && this.cfg.repairedHave) sendRepairedHave(this, b.seq, from, told);
    } else {
      this.stats.duplicates++;
      // nearCopy does nothing with `leadNearMs` 0.
      const near = b.kind === "data" && !m.repair;
      if (near && down !== undefined && down.inClub && !down.lead) this.nearCopy(now, b.seq, down);
    }
    if (r !== undefined) {
      for (let i = 0; i < r.ready.length; i++) this.#accept(now, r.ready[i], from);
      if (r.ready.length > 0) this.#settleEntry(now);
    } else {
      // A copy of a block already verified needs no second check, only a comparison: one
      // that differs is a forgery, and its sender is banned like any forger.
      const held = this.store.get(b.seq);
      if (held !== undefined && !sameBlock(held, b)) {
        this.stats.forged++;
        this.#blame(now, from, blame);
      }
    }
    if (first) {
      // A gap in the counter of a link that carries every block of the club it is sent (an
      // out-of-club download, or the in-club lead, which pushes at once) before a data block
      // means that many of the club's newest absent numbers were lost, not reordered. Not
      // before a signature block: it runs ahead of its club's data (below), and a lost one
      // comes over another path anyway; asked at once, most of them came twice.
      const lost = !m.repair && b.kind === "data" && (!down!.inClub || down!.lead)
        ? down!.monitor.skippedBefore
        : 0;
      // A signature block runs ahead of its club's data blocks: it goes first in every send
      // queue and also comes over the other club's mesh, and an uploader relays the data
      // only once it has the signature too. While a download brings the club's blocks in
      // order, the holes it shows are late blocks, asked for later than other holes (most
      // came 500-800 ms after it, just after the ask: a duplicate each).
      // Another club's holes wait longer (`authHoleLateOutMs`): its uploader may be deep in
      // its club, and this peer relays none of them, so a later ask delays nobody else. Once
      // that link loses datagrams, some of them are lost: each of that club's holes not yet
      // asked is then due `longer` sooner, once (`hasten`; all of them, as measured).
      const club = b.seq % this.clubs, mine = this.isMine(club);
      const late = b.kind === "auth" && this.inOrderLink(club, now)
        ? (mine ? this.cfg.authHoleLateMs : this.cfg.authHoleLateOutMs)
        : 0;
      this.repair.arrived(now, b.seq, this.isSeen, this.floor(), lost, late, !mine);
      if (!m.repair && !mine && down && down.monitor.skippedBefore > 0) {
        this.hastenClub(club, b.seq);
      }
      // A joiner's start waits for its holes: those due now are asked for now, not at the
      // next housekeeping round (up to `tickMs` later).
      if (this.playback?.awaitingEntry && this.repair.nextDueAt <= now) askRepairs(this, now);
    }
    if (verdict !== "ok" && down && down.open && (verdict !== "delay" || this.#slowest(down))) {
      dropConn(this, now, down, verdict, true);
    }
  }

  /** A forged or misplaced block from `from`: punished when it can be `blame`d on it. */
  #blame(now: number, from: Addr, blame: boolean): void {
    if (blame) punish(this, now, from);
    else this.stats.forgedUnblamed++;
  }

  /**
   * A joiner's history comes on each new download oldest first, outside the counter, after
   * the first live blocks, so a lost block of it shows no gap anywhere else and waited for
   * the entry sweep (`entryOverdueMs`) while playback waited for the second after a keyframe
   * to be whole. Numbers skipped between two unasked history blocks of one download were
   * lost (or the sender lacks them): they are asked for at once, of the sender first.
   */
  #historyArrived(now: number, down: DownConn, seq: number): void {
    if (!this.playback?.awaitingEntry || this.askedOf.has(seq)) return;
    // The floor follows the history down as it comes, not only as it verifies (#accept): a
    // batch verifies when its signature block comes, later, on another club's link, and a
    // hole below the floor would not be asked for. No further down than a store holds.
    const first = this.firstSeq;
    if (first !== undefined && seq < first && seq >= first - this.cfg.storeSeqs) {
      this.firstSeq = seq;
    }
    if (down.historyTop >= 0 && seq > down.historyTop) {
      this.repair.lostBetween(now, down.historyTop, seq, this.isSeen, this.floor());
    }
    if (seq > down.historyTop) down.historyTop = seq;
  }

  /**
   * Takes back the longer wait of another club's holes (`authHoleLateOutMs` over
   * `authHoleLateMs`) for those below `below` (default: all) not yet asked: the club's
   * download lost datagrams or closed, so some of them are lost, not late.
   */
  hastenClub(club: number, below?: number): void {
    const longer = this.cfg.authHoleLateOutMs - this.cfg.authHoleLateMs;
    if (longer > 0) this.repair.hasten(club, longer, below);
  }

  /**
   * True when a download brings `club`'s blocks in order and live: an open out-of-club one,
   * or the club's in-club lead (which pushes every block at once), that delivered within
   * `inOrderLiveMs`.
   */
  inOrderLink(club: number, now: number): boolean {
    const downs = this.downs.ofClub(club);
    for (let i = 0; i < downs.length; i++) {
      const d = downs[i];
      if (!d.open || !d.accepted || (d.inClub && !d.lead)) continue;
      if (now - d.monitor.lastRecv <= this.cfg.inOrderLiveMs) return true;
    }
    return false;
  }

  /**
   * True when `down`'s queueing delay is the threshold above how late the blocks of this
   * peer's other downloads are now (the median of their latest): the delay is measured from
   * the source, so when every path is slow (the swarm is forming, signatures are late)
   * dropping this one would not help.
   */
  #slowest(down: DownConn): boolean {
    const others: number[] = [];
    for (const d of this.downs.values()) {
      if (d !== down && d.accepted && d.open) others.push(d.monitor.lastExcessMs);
    }
    if (others.length < 3) return true;
    others.sort((a, b) => a - b);
    const median = others[others.length >> 1];
    return down.monitor.excessMs - median > this.thresholdMs;
  }

  /** The source time of the newest block held (0 when none). */
  newestSrcTime(): number {
    return this.store.get(this.store.top)?.srcTime ?? 0;
  }

  /** The lowest sequence number still worth receiving. */
  floor(): number {
    return this.playback?.cursor ?? this.firstSeq ?? 0;
  }

  #accept(now: number, block: Block, from: Addr): void {
    this.store.put(block, now);
    // While playback waits for an entry point, the start may be in the history, older than
    // the first block that came (a live one, often): the floor follows the oldest verified
    // block down, so that the history's holes are repaired, not left below the floor.
    if (this.playback?.awaitingEntry && block.seq < (this.firstSeq ?? Infinity)) {
      this.firstSeq = block.seq;
    }
    this.events.push({ type: "ready", seq: block.seq, kind: block.kind, at: now });
    if (block.kind === "auth") {
      this.thresholdMs = block.threshold;
      this.bitrate = block.bitrate;
      this.playback?.skipNonMedia(block.seq);
    } else {
      this.playback?.add(now, block.seq, block.srcTime, block.payload, this.liveSeen);
    }
    relay(this, now, block, from);
  }

  /**
   * While playback waits for an entry point, lets it look for one among the blocks just
   * verified: its start brings the first bytes, out now, not at the next housekeeping round
   * (up to `tickMs` later).
   */
  #settleEntry(now: number): void {
    const pb = this.playback;
    if (!pb?.awaitingEntry) return;
    pb.settle();
    if (pb.started) this.advancePlayback(now);
  }

  /** Takes playback's events due by `now` into the event queue. */
  advancePlayback(now: number): void {
    if (!this.playback) return;
    for (const event of this.playback.advance(now)) this.events.push({ type: "playback", event });
  }
}
