/**
 * What a peer knows about other peers: their clubs (from the tracker, from "peers" answers
 * and from pongs) and their last pong with its load counts (patent [0032]-[0038]). Bounded:
 * past `max` entries the least recently heard-of peer is forgotten.
 */
import type { Addr, PongMsg } from "../wire/messages.ts";

/** One known peer. */
export interface KnownPeer {
  readonly addr: Addr;
  /** Clubs the peer is known to be in. */
  readonly clubs: Set<number>;
  /** The last pong, if any, and when it came. */
  pong: PongMsg | undefined;
  pongAt: number;
  /** When this peer last pinged it (to avoid pinging twice), -Infinity if never. */
  pingAt: number;
  /** When a connection attempt to it last failed, -Infinity if never. */
  failAt: number;
}

/** The peers this peer knows, indexed by club. */
export class Directory {
  readonly #peers = new Map<Addr, KnownPeer>();
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
    let p = this.#peers.get(addr);
    if (p) {
      // Refresh its place in the eviction order.
      this.#peers.delete(addr);
      this.#peers.set(addr, p);
    } else {
      p = {
        addr,
        clubs: new Set(),
        pong: undefined,
        pongAt: -Infinity,
        pingAt: -Infinity,
        failAt: -Infinity,
      };
      this.#peers.set(addr, p);
      if (this.#peers.size > this.#max) this.forget(this.#peers.keys().next().value as Addr);
    }
    for (const c of clubs) {
      if (p.clubs.has(c)) continue;
      p.clubs.add(c);
      let set = this.#byClub.get(c);
      if (!set) this.#byClub.set(c, set = new Set());
      set.add(p);
      this.#lists.delete(c);
    }
    return p;
  }

  /** Records a pong from `addr`; its clubs list is authoritative. */
  pong(now: number, addr: Addr, msg: PongMsg): void {
    const p = this.learn(addr, msg.clubs);
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
