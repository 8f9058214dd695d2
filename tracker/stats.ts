/**
 * A channel's public statistics, as `GET /c/{channel}` returns them and the home page shows
 * them: live peers, the source's own entries, and members per club (the deck's balance).
 */
import type { SwarmView } from "./swarm_cache.ts";

/** Statistics of one channel at one moment. */
export interface ChannelStats {
  readonly channel: string;
  readonly clubs: number;
  /** Live peers (entries with clubs). */
  readonly peers: number;
  /** Live entries announced with `clubs: []`: the source itself. */
  readonly sources: number;
  /** Live peers in each club, index = club number. */
  readonly members: readonly number[];
  /** Unix ms of the first registration. */
  readonly created: number;
  /** Unix ms of the last accepted registration (the source's last refresh). */
  readonly refreshed: number;
}

/** Counts a view's live entries at `now`. */
export function channelStats(channel: string, view: SwarmView, now: number): ChannelStats {
  const clubs = view.channel.clubs;
  const members = new Array<number>(clubs).fill(0);
  let peers = 0;
  let sources = 0;
  for (const r of view.peers.live(now)) {
    if (r.clubs.length === 0) {
      sources++;
      continue;
    }
    peers++;
    for (const c of r.clubs) if (c < clubs) members[c]++;
  }
  const { created, refreshed } = view.channel;
  return { channel, clubs, peers, sources, members, created, refreshed };
}
