/**
 * What the tracker keeps in Deno KV, and under which keys:
 *
 * - `["ch", channel]` → {@link ChannelRecord}, expires `channelTtl` after the last refresh
 * - `["deck", channel]` → {@link DeckRecord}, the undealt cards of the club deck
 * - `["peer", channel, peerId]` → {@link PeerRecord}, expires 3 intervals after its announce
 */

/** A registered channel. */
export interface ChannelRecord {
  /** Number of clubs C. */
  readonly clubs: number;
  /** Unix ms of the first registration. */
  readonly created: number;
  /** Unix ms (tracker clock) of the last accepted registration. */
  readonly refreshed: number;
  /** The `ts` of the last accepted registration (source clock); replays must beat it. */
  readonly ts: number;
  /**
   * The address the last accepted registration came from: only it may announce with
   * `clubs: []`, as the source. Absent in records written before this rule (anyone may then).
   */
  readonly source?: string;
}

/** The undealt rest of a channel's club deck, for the club count it was dealt from. */
export interface DeckRecord {
  readonly clubs: number;
  readonly cards: readonly number[];
}

/** One swarm member as the tracker lists it. */
export interface PeerRecord {
  /** Opaque id chosen by the peer. */
  readonly peer: string;
  /** The address the tracker saw the announce come from. */
  readonly ip: string;
  /** The peer's UDP port. */
  readonly port: number;
  /** Its clubs: two for a peer, none for the source. */
  readonly clubs: readonly number[];
  /** Unix ms after which the entry is dead, whatever KV's lazy expiry still returns. */
  readonly deadline: number;
}

/** KV key of a channel record. */
export function channelKey(channel: string): Deno.KvKey {
  return ["ch", channel];
}

/** KV key of a channel's deck. */
export function deckKey(channel: string): Deno.KvKey {
  return ["deck", channel];
}

/** KV key of one peer of a channel. */
export function peerKey(channel: string, peer: string): Deno.KvKey {
  return ["peer", channel, peer];
}

/** KV key prefix of all peers of a channel. */
export function peersPrefix(channel: string): Deno.KvKey {
  return ["peer", channel];
}
