/**
 * The peers of one channel as an instance holds them in memory: a dense array plus an index,
 * so adding, updating and removing are O(1) and a random sample of k peers costs O(k), not
 * O(swarm). Entries past their deadline are skipped (and dropped) when met. Each entry's
 * reply JSON is built once and reused: serialising 50 peers per announce was half the cost
 * of an announce.
 */
import type { Rng } from "../lib/rand.ts";
import { rateKey } from "./client_key.ts";
import type { PeerRecord } from "./records.ts";

/** A set of peer records keyed by peer id, with O(k) random sampling. */
export class PeerSet {
  #list: PeerRecord[] = [];
  #json: (string | null)[] = [];
  #index = new Map<string, number>();
  /** Peer ids by client (rateKey of their address), for the per-address bound. */
  #byClient = new Map<string, Set<string>>();

  /** A set holding `records` (later duplicates win). */
  constructor(records: Iterable<PeerRecord> = []) {
    for (const r of records) this.set(r);
  }

  /** Entries held, including any not yet found expired. */
  get size(): number {
    return this.#list.length;
  }

  /** The entry of a peer if it is held and alive at `now`. */
  get(peer: string, now: number): PeerRecord | undefined {
    const i = this.#index.get(peer);
    if (i === undefined) return undefined;
    const r = this.#list[i];
    return r.deadline > now ? r : undefined;
  }

  /** Adds or replaces a peer's entry. */
  set(record: PeerRecord): void {
    const i = this.#index.get(record.peer);
    if (i === undefined) {
      this.#index.set(record.peer, this.#list.length);
      this.#list.push(record);
      this.#json.push(null);
    } else {
      if (this.#list[i].ip !== record.ip) this.#unclient(this.#list[i]);
      this.#list[i] = record;
      this.#json[i] = null;
    }
    const key = rateKey(record.ip);
    let ids = this.#byClient.get(key);
    if (ids === undefined) this.#byClient.set(key, ids = new Set());
    ids.add(record.peer);
  }

  /**
   * Live entries announced from the client of address `ip` (its IPv6 /64): what the tracker
   * bounds, so that one address cannot fill a swarm with made-up peers. Costs O(its entries).
   */
  liveFrom(ip: string, now: number): number {
    const ids = this.#byClient.get(rateKey(ip));
    if (ids === undefined) return 0;
    for (const id of [...ids]) {
      const i = this.#index.get(id);
      if (i !== undefined && this.#list[i].deadline <= now) this.delete(id);
    }
    return ids.size;
  }

  #unclient(r: PeerRecord): void {
    const key = rateKey(r.ip);
    const ids = this.#byClient.get(key);
    ids?.delete(r.peer);
    if (ids?.size === 0) this.#byClient.delete(key);
  }

  /** Removes a peer; true if it was held. */
  delete(peer: string): boolean {
    const i = this.#index.get(peer);
    if (i === undefined) return false;
    this.#unclient(this.#list[i]);
    const last = this.#list.pop()!;
    const lastJson = this.#json.pop()!;
    this.#index.delete(peer);
    if (i < this.#list.length) {
      this.#list[i] = last;
      this.#json[i] = lastJson;
      this.#index.set(last.peer, i);
    }
    return true;
  }

  /**
   * Up to `k` distinct live peers chosen uniformly at random, never `exclude`. Expired
   * entries met on the way are removed.
   */
  sample(k: number, exclude: string | null, now: number, rng: Rng): PeerRecord[] {
    const n = this.#list.length;
    if (k <= 0 || n === 0) return [];
    if (n <= 2 * k + 1) return this.#sampleByShuffle(k, exclude, now, rng);
    // Large set: draw random slots and skip repeats; expected draws stay close to k.
    const out: PeerRecord[] = [];
    const taken = new Set<string>();
    for (let draws = 0; out.length < k && draws < 4 * k + 16; draws++) {
      if (this.#list.length === 0) break;
      const r = this.#list[rng.int(this.#list.length)];
      if (r.deadline <= now) {
        this.delete(r.peer);
      } else if (r.peer !== exclude && !taken.has(r.peer)) {
        taken.add(r.peer);
        out.push(r);
      }
    }
    // Unlucky (many dead or repeated draws): finish with an exact pass.
    if (out.length < k && this.#list.length > out.length) {
      for (const r of this.#sampleByShuffle(this.#list.length, exclude, now, rng)) {
        if (out.length >= k) break;
        if (!taken.has(r.peer)) out.push(r);
      }
    }
    return out;
  }

  /**
   * The same sample as {@link sample}, as the JSON text of an array of
   * `{"peer", "ip", "port", "clubs"}` objects.
   */
  sampleJson(k: number, exclude: string | null, now: number, rng: Rng): string {
    const picked = this.sample(k, exclude, now, rng);
    let out = "[";
    for (let n = 0; n < picked.length; n++) {
      const r = picked[n];
      const i = this.#index.get(r.peer)!;
      let json = this.#json[i];
      if (json === null) {
        json = JSON.stringify({ peer: r.peer, ip: r.ip, port: r.port, clubs: r.clubs });
        this.#json[i] = json;
      }
      out += n === 0 ? json : "," + json;
    }
    return out + "]";
  }

  #sampleByShuffle(k: number, exclude: string | null, now: number, rng: Rng): PeerRecord[] {
    const live = this.live(now).filter((r) => r.peer !== exclude);
    // Partial Fisher-Yates: only the first k slots need shuffling.
    const m = Math.min(k, live.length);
    for (let i = 0; i < m; i++) {
      const j = i + rng.int(live.length - i);
      const tmp = live[i];
      live[i] = live[j];
      live[j] = tmp;
    }
    return live.slice(0, m);
  }

  /** Every live entry, dropping the expired ones. */
  live(now: number): PeerRecord[] {
    for (let i = this.#list.length - 1; i >= 0; i--) {
      if (this.#list[i].deadline <= now) this.delete(this.#list[i].peer);
    }
    return this.#list.slice();
  }
}
