/**
 * The tracker's Deno KV store: channels, peers and the club deck. KV is the only truth;
 * peer writes and deletes from concurrent announces are group-committed (one atomic commit
 * per batch), which is what lifts an embedded KV file from ~800 to tens of thousands of
 * announces a second.
 */
import type { Rng } from "../lib/rand.ts";
import { Batcher } from "./batcher.ts";
import { KvDeck } from "./deck_kv.ts";
import {
  channelKey,
  type ChannelRecord,
  deckKey,
  peerKey,
  type PeerRecord,
  peersPrefix,
} from "./records.ts";

/** Outcome of a registration whose signature and clock were already checked. */
export type RegisterResult =
  | { readonly kind: "created" | "refreshed"; readonly record: ChannelRecord }
  | { readonly kind: "stale"; readonly last: number };

type PeerWrite =
  | {
    readonly op: "set";
    readonly key: Deno.KvKey;
    readonly value: PeerRecord;
    readonly ttl: number;
  }
  | { readonly op: "delete"; readonly key: Deno.KvKey };

/** Deno KV as the tracker uses it. */
export class KvStore {
  /** The underlying KV handle (the caller opened it and closes it). */
  readonly kv: Deno.Kv;
  readonly #deck: KvDeck;
  readonly #writes: Batcher<PeerWrite, undefined>;

  /** A store over an open KV; `rng` shuffles the club decks. */
  constructor(kv: Deno.Kv, rng: Rng, options: { maxBatch?: number } = {}) {
    this.kv = kv;
    this.#deck = new KvDeck(kv, rng);
    this.#writes = new Batcher<PeerWrite, undefined>(async (items) => {
      const op = kv.atomic();
      for (const w of items) {
        if (w.op === "set") op.set(w.key, w.value, { expireIn: w.ttl });
        else op.delete(w.key);
      }
      const res = await op.commit();
      if (!res.ok) throw new Error("peer batch commit failed");
      return items.map(() => undefined);
    }, options.maxBatch ?? 200);
  }

  /** A channel's record, or null if it was never registered or has expired. */
  async getChannel(channel: string): Promise<ChannelRecord | null> {
    return (await this.kv.get<ChannelRecord>(channelKey(channel))).value;
  }

  /** Up to `limit` registered channels, in key order. */
  async listChannels(limit: number): Promise<{ channel: string; record: ChannelRecord }[]> {
    const out: { channel: string; record: ChannelRecord }[] = [];
    for await (const e of this.kv.list<ChannelRecord>({ prefix: ["ch"] }, { limit })) {
      out.push({ channel: String(e.key[1]), record: e.value });
    }
    return out;
  }

  /**
   * Creates or refreshes a channel whose registration is authentic and on time; refuses
   * a `ts` not newer than the last accepted one. A new channel, or a changed club count,
   * starts a fresh deck. Concurrent registrations are serialised by check-and-set.
   * `source` is the address the registration came from (the source's, from then on).
   */
  async register(
    channel: string,
    clubs: number,
    ts: number,
    now: number,
    ttlMs: number,
    source?: string,
  ): Promise<RegisterResult> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const cur = await this.kv.get<ChannelRecord>(channelKey(channel));
      if (cur.value !== null && ts <= cur.value.ts) return { kind: "stale", last: cur.value.ts };
      const record: ChannelRecord = {
        clubs,
        created: cur.value?.created ?? now,
        refreshed: now,
        ts,
        ...(source === undefined ? {} : { source }),
      };
      const op = this.kv.atomic().check(cur).set(channelKey(channel), record, { expireIn: ttlMs });
      if (cur.value === null || cur.value.clubs !== clubs) {
        op.set(deckKey(channel), { clubs, cards: [] });
      }
      if ((await op.commit()).ok) {
        return { kind: cur.value === null ? "created" : "refreshed", record };
      }
    }
    throw new Error(`registration of ${channel}: too many conflicts`);
  }

  /** Deals the next two clubs of the channel's deck; null if the channel is unknown. */
  deal(channel: string): Promise<[number, number] | null> {
    return this.#deck.deal(channel);
  }

  /** Deck commits that lost a race and were retried. */
  get deckConflicts(): number {
    return this.#deck.conflicts;
  }

  /** Peer batches committed so far. */
  get peerBatches(): number {
    return this.#writes.batches;
  }

  /** Writes a peer entry that KV expires after `ttlMs` (group-committed). */
  putPeer(channel: string, record: PeerRecord, ttlMs: number): Promise<void> {
    return this.#writes.submit({
      op: "set",
      key: peerKey(channel, record.peer),
      value: record,
      ttl: ttlMs,
    });
  }

  /** Deletes a peer entry (group-committed). */
  deletePeer(channel: string, peer: string): Promise<void> {
    return this.#writes.submit({ op: "delete", key: peerKey(channel, peer) });
  }

  /** One peer entry if it exists and its deadline has not passed. */
  async getPeer(channel: string, peer: string, now: number): Promise<PeerRecord | null> {
    const v = (await this.kv.get<PeerRecord>(peerKey(channel, peer))).value;
    return v !== null && v.deadline > now ? v : null;
  }

  /** Every live peer of a channel: KV expiry is lazy, so entries past their deadline are dropped here. */
  async listPeers(channel: string, now: number): Promise<PeerRecord[]> {
    const out: PeerRecord[] = [];
    const iter = this.kv.list<PeerRecord>({ prefix: peersPrefix(channel) }, { batchSize: 500 });
    for await (const e of iter) if (e.value.deadline > now) out.push(e.value);
    return out;
  }
}
