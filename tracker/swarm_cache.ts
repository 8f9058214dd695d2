/**
 * A short-lived per-instance view of each channel over KV. Listing a channel's peers from
 * KV on every announce would cap the tracker near 2k announces/s, so each instance re-reads
 * a channel's record and peers at most once per `ttlMs` and answers from memory meanwhile.
 * KV stays the truth: the instance writes every announce through to KV and applies its own
 * writes to the view at once (a leave is gone from this instance's replies immediately);
 * other instances' writes show up within `ttlMs`. Entries carry their deadline, so expiry
 * is exact however old the view. A big swarm takes long to list (5000 peers ≈ 100 ms here),
 * so a view is kept for at least 20 times its last listing time: refreshing never takes more
 * than ~5% of the instance's time.
 */
import type { ChannelRecord, PeerRecord } from "./records.ts";
import { PeerSet } from "./peer_set.ts";
import type { KvStore } from "./store.ts";

/** What an instance knows of one channel. */
export interface SwarmView {
  readonly channel: ChannelRecord;
  readonly peers: PeerSet;
}

type Mutation = { readonly peer: string; readonly record: PeerRecord | null };

interface Entry {
  view: SwarmView | null;
  fetchedAt: number;
  /** How long the last refresh took, ms. */
  cost: number;
  inflight: Promise<void> | null;
  /** Local writes made while a refresh is in flight, replayed over its result. */
  log: Mutation[] | null;
}

/** Per-instance cache of channel views. */
export class SwarmCache {
  readonly #store: KvStore;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  /** KV refreshes done. */
  refreshes = 0;

  /** A cache over `store`, re-read after `ttlMs`, on the clock `now`. */
  constructor(store: KvStore, ttlMs: number, now: () => number) {
    this.#store = store;
    this.#ttl = ttlMs;
    this.#now = now;
  }

  /**
   * The view of a channel, null if it is not registered. A view older than the TTL is
   * refreshed; while that runs, callers get the old view unless it is very old.
   */
  async get(channel: string): Promise<SwarmView | null> {
    const now = this.#now();
    let e = this.#entries.get(channel);
    if (e === undefined) {
      if (this.#entries.size >= 10_000) this.#sweep(now);
      e = { view: null, fetchedAt: -Infinity, cost: 0, inflight: null, log: null };
      this.#entries.set(channel, e);
    }
    const age = now - e.fetchedAt;
    const ttl = Math.max(this.#ttl, 20 * e.cost);
    if (age < ttl) return e.view;
    if (e.inflight === null) e.inflight = this.#refresh(channel, e);
    if (e.view !== null && age < 5 * ttl) return e.view;
    await e.inflight;
    return e.view;
  }

  /** Records this instance's write of a peer entry. */
  notePut(channel: string, record: PeerRecord): void {
    this.#apply(channel, { peer: record.peer, record });
  }

  /** Records this instance's deletion of a peer entry. */
  noteDelete(channel: string, peer: string): void {
    this.#apply(channel, { peer, record: null });
  }

  /** Records a channel (re-)registration made through this instance. */
  noteChannel(channel: string, record: ChannelRecord): void {
    const e = this.#entries.get(channel);
    if (e === undefined) return;
    if (e.view !== null) e.view = { channel: record, peers: e.view.peers };
    // An unknown-channel answer is no longer true: make the next get re-read KV.
    else e.fetchedAt = -Infinity;
  }

  /** Channels held. */
  get size(): number {
    return this.#entries.size;
  }

  #apply(channel: string, m: Mutation): void {
    const e = this.#entries.get(channel);
    if (e === undefined) return;
    e.log?.push(m);
    if (e.view === null) return;
    if (m.record === null) e.view.peers.delete(m.peer);
    else e.view.peers.set(m.record);
  }

  async #refresh(channel: string, e: Entry): Promise<void> {
    const started = this.#now();
    e.log = [];
    try {
      const [record, peers] = await Promise.all([
        this.#store.getChannel(channel),
        this.#store.listPeers(channel, started),
      ]);
      this.refreshes++;
      if (record === null) {
        e.view = null;
      } else {
        const set = new PeerSet(peers);
        for (const m of e.log) {
          if (m.record === null) set.delete(m.peer);
          else set.set(m.record);
        }
        e.view = { channel: record, peers: set };
      }
      e.fetchedAt = started;
      e.cost = Math.max(0, this.#now() - started);
    } finally {
      e.log = null;
      e.inflight = null;
    }
  }

  #sweep(now: number): void {
    for (const [ch, e] of this.#entries) {
      if (e.inflight === null && now - e.fetchedAt > 10 * this.#ttl) this.#entries.delete(ch);
    }
  }
}
