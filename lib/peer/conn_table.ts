/**
 * A peer's table of connections in one direction: a `Map` from {@link connKey} to the
 * connection, which also answers the questions asked for every block (this club's
 * connections, the connections with that remote, how many are in-club) without walking
 * every connection. The answers are kept up to date by `set` and `delete`, and list the
 * connections in the order the `Map` itself iterates them, so a walk over a club's list
 * visits what a filtered walk over the whole table would, in the same order.
 *
 * The lists are the table's own: read them, but change the table only after the walk.
 */
import type { Addr } from "../wire/messages.ts";
import { connKey } from "./conns.ts";

/** What the table indexes a connection by. */
interface Indexed {
  readonly remote: Addr;
  readonly club: number;
  readonly inClub: boolean;
}

/** Clubs listed; connections of any other club number (never a valid one) are not. */
const LISTED_CLUBS = 1024;
const NONE: readonly never[] = Object.freeze([]);

/** A connection table with per-club and per-remote lists. */
export class ConnTable<C extends Indexed> extends Map<string, C> {
  #byClub: (C[] | undefined)[] = [];
  /**
   * Each remote's connections: the connection itself when it is the only one (the usual
   * case: one fewer object to reach on every lookup), else a list of them.
   */
  #byRemote = new Map<Addr, C | C[]>();
  #inClub = 0;
  /**
   * True while every connection was set under its own key, `connKey(remote, club)`: then
   * {@link find} may answer from the remote's list.
   */
  #ownKeys = true;
  /**
   * False after a change the lists cannot follow in place (a key given another connection,
   * which keeps the key's place in the `Map`): they are rebuilt at the next question.
   */
  #exact = true;

  /** An empty table. */
  constructor() {
    super();
  }

  override set(key: string, conn: C): this {
    const old = super.get(key);
    super.set(key, conn);
    if (old === conn) return this;
    if (key !== connKey(conn.remote, conn.club)) this.#ownKeys = false;
    if (old !== undefined) this.#exact = false;
    else if (this.#exact) this.#add(conn);
    return this;
  }

  override delete(key: string): boolean {
    const old = super.get(key);
    if (old === undefined) return super.delete(key);
    super.delete(key);
    if (this.#exact) {
      const ofClub = this.#clubList(old.club, false);
      if (ofClub !== undefined) remove(ofClub, old);
      const held = this.#byRemote.get(old.remote)!;
      if (!Array.isArray(held)) this.#byRemote.delete(old.remote);
      else {
        remove(held, old);
        if (held.length === 1) this.#byRemote.set(old.remote, held[0]);
      }
      if (old.inClub) this.#inClub--;
    }
    return true;
  }

  override clear(): void {
    super.clear();
    this.#byClub = [];
    this.#byRemote.clear();
    this.#inClub = 0;
    this.#exact = true;
    this.#ownKeys = true;
  }

  /**
   * The connection with `remote` for `club`: `get(connKey(remote, club))`, answered from the
   * remote's few connections (no key string looked up, no hash of it).
   */
  find(remote: Addr, club: number): C | undefined {
    if (!this.#ownKeys || !listed(club)) return this.get(connKey(remote, club));
    if (!this.#exact) this.#rebuild();
    const held = this.#byRemote.get(remote);
    if (held === undefined) return undefined;
    if (!Array.isArray(held)) return held.club === club ? held : undefined;
    for (let i = 0; i < held.length; i++) if (held[i].club === club) return held[i];
    return undefined;
  }

  /** True if any connection is with `remote`. */
  hasRemote(remote: Addr): boolean {
    if (!this.#exact) this.#rebuild();
    return this.#byRemote.has(remote);
  }

  /** The connections of `club` (those whose `club === club`), in table order. */
  ofClub(club: number): readonly C[] {
    if (!listed(club)) return [...super.values()].filter((c) => c.club === club);
    if (!this.#exact) this.#rebuild();
    return this.#byClub[club] ?? NONE;
  }

  /** The connections with `remote` (one per club at most), in table order. */
  ofRemote(remote: Addr): readonly C[] {
    if (!this.#exact) this.#rebuild();
    const held = this.#byRemote.get(remote);
    return held === undefined ? NONE : Array.isArray(held) ? held : [held];
  }

  /** How many of the connections are in-club. */
  get inClubCount(): number {
    if (!this.#exact) this.#rebuild();
    return this.#inClub;
  }

  #add(conn: C): void {
    this.#clubList(conn.club, true)?.push(conn);
    const held = this.#byRemote.get(conn.remote);
    if (held === undefined) this.#byRemote.set(conn.remote, conn);
    else if (Array.isArray(held)) held.push(conn);
    else this.#byRemote.set(conn.remote, [held, conn]);
    if (conn.inClub) this.#inClub++;
  }

  #clubList(club: number, make: boolean): C[] | undefined {
    if (!listed(club)) return undefined;
    let list = this.#byClub[club];
    if (list === undefined && make) {
      while (this.#byClub.length < club) this.#byClub.push(undefined);
      this.#byClub[club] = list = [];
    }
    return list;
  }

  #rebuild(): void {
    this.#byClub = [];
    this.#byRemote.clear();
    this.#inClub = 0;
    for (const conn of super.values()) this.#add(conn);
    this.#exact = true;
  }
}

function listed(club: number): boolean {
  return club >= 0 && club < LISTED_CLUBS && Number.isInteger(club);
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
