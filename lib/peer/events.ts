/** What the peer core reports to its driver (the real program or the simulator). */
import type { PlaybackEvent } from "../playback/playback.ts";
import type { Addr, Dir } from "../wire/messages.ts";

/** Why a connection closed. */
export type CloseReason =
  | "delay"
  | "loss"
  | "idle"
  | "keepalive"
  | "timeout"
  | "remote"
  | "surplus"
  | "shed"
  | "forged"
  | "withdraw"
  | "refused"
  | "unproven"
  | "unserved";

/** An event of the peer core. */
export type PeerEvent =
  /** A block was verified and is new to this peer. */
  | {
    readonly type: "ready";
    readonly seq: number;
    readonly kind: "data" | "auth";
    readonly at: number;
  }
  /** Something happened in playback (start, play, skip, freeze). */
  | { readonly type: "playback"; readonly event: PlaybackEvent }
  /** A connection opened or closed. */
  | {
    readonly type: "conn";
    readonly open: boolean;
    readonly dir: Dir;
    readonly club: number;
    readonly remote: Addr;
    readonly reason?: CloseReason;
  }
  /** A peer sent a forged block and was banned. */
  | { readonly type: "forged"; readonly from: Addr }
  /** The peer stopped all activity because the swarm serves it badly and it uploads little [0063]. */
  | { readonly type: "withdraw"; readonly at: number };
