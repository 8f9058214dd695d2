/**
 * What a peer reports about itself: the live status line on a terminal and the `--stats
 * json` line, both made from one snapshot.
 */

import type { PeerStats } from "../lib/peer/peer.ts";

/** One second's view of a peer. */
export interface PeerSnapshot {
  /** Unix ms. */
  readonly t: number;
  readonly clubs: readonly number[];
  /** Distinct remote peers this peer has a connection with. */
  readonly peers: number;
  readonly uploads: number;
  readonly downloads: number;
  readonly kbpsIn: number;
  readonly kbpsOut: number;
  /** Current play delay behind the source, ms (undefined before playback starts). */
  readonly delayMs: number | undefined;
  /** Blocks played and skipped so far. */
  readonly played: number;
  readonly skipped: number;
  /** Stream bytes written out. */
  readonly bytesOut: number;
  /** ms from program start to the first stream byte written, once there was one. */
  readonly firstByteMs: number | undefined;
  /** Datagrams that did not decode, and forged blocks seen. */
  readonly malformed: number;
  readonly forged: number;
  /** Most ms the event loop was late over the last second (a busy machine). */
  readonly lateMs: number;
  /** Datagrams received, and timer wake-ups, in total. */
  readonly datagramsIn: number;
  /**
   * Datagrams this machine's own socket dropped for a full receive buffer, in total, where it
   * can tell (the FFI socket on Linux; 0 elsewhere): a peer that cannot keep up.
   */
  readonly receiveOverflow?: number;
  readonly wakeups: number;
  /** The protocol core's counters (blocks in, duplicates, drops by reason, ...), for scripts. */
  readonly protocol?: PeerStats;
  /** Blocks verified but waiting for playback, and blocks held for verification. */
  readonly buffered?: number;
}

/**
 * The terminal status line.
 *
 * @example
 * ```ts
 * import { statusLine } from "./status.ts";
 * const line = statusLine({ t: 0, clubs: [1, 7], peers: 5, uploads: 4, downloads: 13,
 *   kbpsIn: 2100.4, kbpsOut: 1800, delayMs: 2950, played: 10, skipped: 0, bytesOut: 0,
 *   firstByteMs: 300, malformed: 0, forged: 0, lateMs: 0, datagramsIn: 0,
 *   wakeups: 0 });
 * if (!line.includes("clubs 1,7")) throw new Error(line);
 * ```
 */
export function statusLine(s: PeerSnapshot): string {
  const delay = s.delayMs === undefined ? "buffering" : `delay ${(s.delayMs / 1000).toFixed(1)} s`;
  return `peers ${s.peers} | clubs ${s.clubs.join(",")} | in ${Math.round(s.kbpsIn)} kbit/s | ` +
    `out ${Math.round(s.kbpsOut)} kbit/s | ${delay} | skipped ${s.skipped}`;
}

/** The `--stats json` line (no newline). */
export function statsJson(s: PeerSnapshot): string {
  return JSON.stringify({
    ...s,
    kbpsIn: Math.round(s.kbpsIn),
    kbpsOut: Math.round(s.kbpsOut),
    delayMs: s.delayMs === undefined ? null : Math.round(s.delayMs),
    firstByteMs: s.firstByteMs ?? null,
  });
}
