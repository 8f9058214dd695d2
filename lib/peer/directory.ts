/**
 * What a peer knows about other peers: their clubs (from the tracker, from "peers" answers
 * and from pongs) and their last pong with its load counts (patent [0032]-[0038]). Bounded:
 * past `max` entries the least recently heard-of peer is forgotten.
 */
import type { Addr, PongMsg } from "../wire/messages.ts";

/** One known peer. */
export interface KnownPeer {
  readonly addr: Addr;
  /**
   * Clubs the peer is known to be in, in the order they became known. The set is shared
   * with every known peer with the same clubs (thousands of peers have one of a few dozen
   * club pairs), so it refuses changes: the directory replaces it when it learns more.
   */
  readonly clubs: Set<number>;
  /** The last pong, if any, and when it came. */
  pong: PongMsg | undefined;
  pongAt: number;
  /** When this peer last pinged it (to avoid pinging twice), -Infinity if never. */
  pingAt: number;
  /** When a connection attempt to it last failed, -Infinity if never. */
  failAt: number;
}

/** A known peer as the directory keeps it: its club set is replaced, never changed. */
interface Known extends KnownPeer {
  clubs: Set<number>;
}

/** A club set shared between known peers: read-only once made. */
class SharedClubs extends Set<number> {
  readonly #sealed: boolean;
  constructor(clubs: readonly number[]) {
    super();
    for (const c of clubs) super.add(c);
    this.#sealed = true;
  }
  override add(club: number): this {
    if (this.#sealed) throw new TypeError("a known peer's club set is shared: read-only");
    return super.add(club);
  }
  override delete(): boolean {
    throw new TypeError("a known peer's club set is shared: read-only");
  }
  override clear(): void {
    throw new TypeError("a known peer's club set is shared: read-only");
  }
}

/** Shared club sets by their clubs in order; dropped wholesale past a bound (any input). */
const SHARED = new Map<string, SharedClubs>();
const NO_CLUBS = new SharedClubs([]);

function sharedClubs(clubs: readonly number[]): SharedClubs {
  const key = clubs.join();
  let set = SHARED.get(key);
  if (set === undefined) {
    if (SHARED.size >= 4096) SHARED.clear();
    SHARED.set(key, set = new SharedClubs(clubs));
  }
  return set;
}

/** The peers this peer knows, indexed by club. */
export class Directory {
  readonly #peers = new Map<Addr, Known>();
  /** Members of each club, in the order they were learned as members. */
  readonly #byClub = new Map<number, Set<KnownPeer>>();
  /**
   * {@link members} as last built, per club, until a member joins or leaves: peers ask for
   * a club's members every tick, and the lists rarely change.
   */
  readonly #lists = new Map<number, readonly KnownPeer[]>();
  readonly #max: number;

  /** A directory holding at most `max` peers. */
  constructor(max: number) {
    this.#max = max;
  }

  /** How many peers are known. */
  get size(): number {
    return this.#peers.size;
  }

  /** The record of `addr`, if known. */
  get(addr: Addr): KnownPeer | undefined {
    return this.#peers.get(addr);
  }

  /** Records that `addr` exists and is in `clubs` (which may be partial). */
  learn(addr: Addr, clubs: readonly number[]): KnownPeer {
    return this.#learn(addr, clubs);
  }

  #learn(addr: Addr, clubs: readonly number[]): Known {
    let p = this.#peers.get(addr);
    if (p) {
      // Refresh its place in the eviction order.
      this.#peers.delete(addr);
      this.#peers.set(addr, p);
    } else {
      p = {
        addr,
        clubs: NO_CLUBS,
        pong: undefined,
        pongAt: -Infinity,
        pingAt: -Infinity,
        failAt: -Infinity,
      };
      this.#peers.set(addr, p);
      if (this.#peers.size > this.#max) this.forget(this.#peers.keys().next().value as Addr);
    }
    let added: number[] | undefined;
    for (const c of clubs) {
      if (p.clubs.has(c) || added?.includes(c)) continue;
      (added ??= [...p.clubs]).push(c);
      let set = this.#byClub.get(c);
      if (!set) this.#byClub.set(c, set = new Set());
      set.add(p);
      this.#lists.delete(c);
    }
    if (added !== undefined) p.clubs = sharedClubs(added);
    return p;
  }

  /** Records a pong from `addr`; its clubs list is authoritative. */
  pong(now: number, addr: Addr, msg: PongMsg): void {
    const p = this.#learn(addr, msg.clubs);
    p.pong = msg;
    p.pongAt = now;
  }

  /** Drops everything known about `addr`. */
  forget(addr: Addr): void {
    const p = this.#peers.get(addr);
    if (!p) return;
    this.#peers.delete(addr);
    for (const c of p.clubs) {
      this.#byClub.get(c)?.delete(p);
      this.#lists.delete(c);
    }
  }

  /**
   * The known members of `club`, in the order they became known as members. The array is
   * shared until the membership changes, hence frozen.
   */
  members(club: number): readonly KnownPeer[] {
    let list = this.#lists.get(club);
    if (list === undefined) {
      list = Object.freeze([...(this.#byClub.get(club) ?? [])]);
      this.#lists.set(club, list);
    }
    return list;
  }

  /** Every known peer, oldest first. */
  all(): IterableIterator<KnownPeer> {
    return this.#peers.values();
  }
}
