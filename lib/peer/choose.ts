/**
 * Choosing a peer to connect to (patent [0033]-[0039]). Candidates are the known members of
 * the club that are not banned, not already connected and did not fail recently. Among those
 * with a fresh pong, one is drawn at random with the weight the caller gives it (peer_tick.ts:
 * downloads favour few uploads and never a full peer; upload offers, room for another in-club
 * download). When too few pongs are fresh, the caller pings the stale candidates first [0038].
 */
import { type Rng, weightedIndex } from "../rand.ts";
import type { Addr } from "../wire/messages.ts";
import type { KnownPeer } from "./directory.ts";

/** What to do for one wanted connection. */
export interface Choice {
  /** The peer to connect to now, if a fresh candidate exists. */
  readonly pick: Addr | undefined;
  /** Stale or unpinged candidates worth pinging. */
  readonly ping: Addr[];
}

/** Options of {@link choosePeer}. */
export interface ChooseOptions {
  readonly now: number;
  readonly freshMs: number;
  readonly retryMs: number;
  readonly pingBatch: number;
  /**
   * Excludes peers (self, banned, connected, pending). It must not have side effects: it is
   * asked only about members that are otherwise candidates.
   */
  readonly exclude: (addr: Addr) => boolean;
  /** The weight of a candidate from its pong. */
  readonly weight: (p: KnownPeer) => number;
}

/** Picks a peer among `members`, or says whom to ping first. */
export function choosePeer(members: readonly KnownPeer[], rng: Rng, o: ChooseOptions): Choice {
  const fresh: KnownPeer[] = [];
  const stale: KnownPeer[] = [];
  for (const p of members) {
    if (o.now - p.failAt < o.retryMs) continue;
    // The cheap tests on the record first: `exclude` (map lookups) is asked only about
    // members that would otherwise be picked or pinged.
    const isFresh = p.pong !== undefined && o.now - p.pongAt < o.freshMs;
    if (!isFresh && !(o.now - p.pingAt >= o.retryMs)) continue;
    if (o.exclude(p.addr)) continue;
    if (isFresh) fresh.push(p);
    else stale.push(p);
  }
  let pick: Addr | undefined;
  if (fresh.length > 0) {
    pick = fresh[weightedIndex(rng, fresh.map(o.weight))]?.addr;
  }
  const want = Math.max(0, o.pingBatch - fresh.length);
  const ping: Addr[] = [];
  while (ping.length < want && stale.length > 0) {
    const i = rng.int(stale.length);
    ping.push(stale[i].addr);
    stale[i] = stale[stale.length - 1];
    stale.pop();
  }
  return { pick, ping };
}
