/**
 * The public shapes of playback: its options, its events and its diagnostics. The
 * semantics are in the module docs of playback.ts.
 */

/** Playback tuning; see the module docs for what each one does. */
export interface PlaybackOptions {
  /** The play delay aimed for, measured from the source's send time (e.g. 3000). */
  readonly targetDelayMs: number;
  /** Source-time span of data needed before starting (e.g. 1000). */
  readonly startBufferMs: number;
  /** The reasonable range is `targetDelayMs ± toleranceMs` (e.g. 250). */
  readonly toleranceMs: number;
  /** Slow-down / speed-up factor: rates 1 - rateStep and 1 + rateStep (e.g. 0.05). */
  readonly rateStep: number;
  /** What to do when the next block is missing [0062]. */
  readonly mode: "skip" | "freeze";
  /** Longest stall in freeze mode (e.g. 400). */
  readonly maxFreezeMs: number;
  /** Window of the quality measure (e.g. 10000). */
  readonly qualityWindowMs: number;
  /**
   * Where output may begin (see the module docs, "Start at an entry point"): true when a
   * player can start decoding at `payload` (`next` is the block after it, for an entry that
   * straddles the two). Without it playback starts wherever the data begins.
   */
  readonly entry?: (payload: Uint8Array, next: Uint8Array) => boolean;
  /** With `entry`: after this many ms of buffering without a usable entry, start anyway. */
  readonly entryWaitMs?: number;
}

/** What playback did, in order; `at` is the local time it happened at the playhead. */
export type PlaybackEvent =
  | { readonly type: "start"; readonly seq: number; readonly at: number; readonly delayMs: number }
  | {
    readonly type: "play";
    readonly seq: number;
    readonly at: number;
    readonly payload: Uint8Array;
    readonly srcTime: number;
  }
  | { readonly type: "skip"; readonly seq: number; readonly at: number }
  | { readonly type: "freeze"; readonly seq: number; readonly at: number; readonly ms: number };

/** Diagnostic sizes of what playback holds, to show memory stays bounded. */
export interface PlaybackMemory {
  /** Buffered (not yet played) blocks. */
  readonly buffered: number;
  /** Non-media marks not yet passed. */
  readonly marks: number;
  /** Events held by the quality window. */
  readonly qualityLog: number;
  /** Events waiting for the next `advance()`. */
  readonly pending: number;
}
