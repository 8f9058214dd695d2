/**
 * # Playback (patent [0060]–[0063])
 *
 * A peer hands playback each verified media block as it arrives (`add(now, seq, srcTime,
 * payload)`) and each sequence number that is not media (`skipNonMedia(seq)`), then asks
 * `advance(now)` for what is due. Playback is sans-IO: no timers; `nextDeadline()` says
 * when to call again. Times are ms: `now` on the peer's clock, `srcTime` on the source's.
 *
 * **Clock offset.** `offset = min(arrival - srcTime)` over every block added: the fastest
 * block is taken as zero queueing, so no clock sync is needed. A block's deadline is
 * `srcTime + offset + delay`, where `delay` is the current play delay. When a faster block
 * lowers the offset after the start, the delay grows by the same amount, so the playhead
 * does not jump (deadlines stay where they were) and the rate control then takes it back.
 *
 * **Start [0060].** Before the start blocks are only buffered. The start comes with the
 * add that makes the buffered blocks span `startBufferMs` of source time. A block's *age*
 * is `now - (srcTime + offset)`. If the earliest buffered block is younger than
 * `targetDelayMs` (the usual case for a fresh join), playback starts right away at it, with
 * delay = its age: below target, so the rate control slows down and the delay grows. If it
 * is older (history reaches back past the target), playback starts at the earliest block
 * that is not older than the target, with delay = target exactly, and the older blocks are
 * dropped. If every block is older, it starts at the earliest with delay = its age (above
 * the range: playback speeds up).
 *
 * **Start at an entry point.** With the `entry` option (a real player's stream: it can only
 * start decoding at a keyframe), the start waits instead for a block E where `entry` holds,
 * not older than `target + tolerance`, followed by `startBufferMs` of source time with no
 * seq missing (media or marked non-media), and starts at the oldest such E with delay = its
 * age. A peer that fetched history on joining therefore starts at once, at about the target
 * delay, at a keyframe, with a second of the stream already whole behind it: its first bytes
 * come without waiting for a keyframe and without holes. After `entryWaitMs` of buffering
 * without such an E, the plain start above is used.
 *
 * **Order and deadlines.** Blocks play in seq order; a cursor walks the seqs, passing over
 * non-media ones silently. A buffered block plays at its deadline if it arrived by then. A
 * missing seq's own source time is unknown, so its deadline is estimated as that of the next
 * buffered later seq; with no later block buffered nothing happens until one arrives.
 *
 * **Skip / freeze [0062].** Skip mode: a missing seq is skipped at its (estimated)
 * deadline, together with every missing seq up to the next buffered one (they share the
 * estimate); a block that arrives after its deadline is skipped at its deadline.
 * Freeze mode: at the (estimated) deadline of a missing seq the playhead stalls. If the
 * block arrives within `maxFreezeMs`, a `freeze` (ms = arrival - stall start) and the `play`
 * are emitted and the delay grows by that ms; otherwise, `maxFreezeMs` after the stall
 * began, a `freeze` of `maxFreezeMs` and `skip`s for the missing run up to the next buffered
 * seq are emitted (one freeze per gap, not per lost block, so a burst loss does not stall
 * for k × maxFreezeMs) and the delay grows by `maxFreezeMs`. A block that arrives after its
 * own deadline (learnt only on arrival) counts as having stalled the playhead from that
 * deadline. A stall on a seq later marked non-media is cancelled as if it never happened.
 *
 * **Rate control [0061].** Below `target - tolerance` the playhead runs at `1 - rateStep`
 * (the delay grows by `rateStep` per ms elapsed), above `target + tolerance` at
 * `1 + rateStep`; it stops at the edge of the range. It is integrated in closed form (see
 * delay.ts), never stepwise, and the delay is frozen-in only at events.
 *
 * **Exact lazy evaluation.** `add()` first brings playback up to its `now` (holding the
 * events for the next `advance()`), then takes the block in, and arrival times are kept, so
 * the events do not depend on how often `advance()` is called. Event `at` times are
 * playhead times, never before an earlier event's; a fate learnt late (a late arrival) may
 * carry an `at` earlier than the call that reveals it. Ties: a missing block is given up at
 * its (estimated) deadline before a block arriving at that same instant is taken in.
 *
 * **Quality [0063].** `quality(now)` counts skip and freeze events with `at` in
 * `(now - qualityWindowMs, now]`.
 *
 * **Memory.** Played and skipped payloads are dropped at once; the fate of the last
 * {@link HISTORY_SEQS} seqs is kept in a ring for `has()`; blocks more than
 * {@link MAX_AHEAD_SEQS} past the cursor are refused.
 *
 * @module
 */

import { PlayDelay } from "./delay.ts";
import { SeqHistory } from "./history.ts";
import { HELD, MARK, NONE, SeqSlots } from "./seq_slots.ts";
import { type QualityCounts, QualityWindow } from "./quality.ts";
import type { PlaybackEvent, PlaybackMemory, PlaybackOptions } from "./types.ts";

export type { PlaybackEvent, PlaybackMemory, PlaybackOptions } from "./types.ts";
export type { QualityCounts } from "./quality.ts";

/** How many past seqs `has()` remembers the fate of. */
export const HISTORY_SEQS = 4096;
/** Blocks further than this past the cursor are refused (they would only pile up). */
export const MAX_AHEAD_SEQS = 65536;

/**
 * The reorder buffer and playhead of one peer. See the module docs for exact semantics.
 *
 * @example
 * ```ts
 * import { Playback } from "./playback.ts";
 * const pb = new Playback({
 *   targetDelayMs: 3000, startBufferMs: 1000, toleranceMs: 250, rateStep: 0.05,
 *   mode: "skip", maxFreezeMs: 400, qualityWindowMs: 10000,
 * });
 * const bytes = new Uint8Array([0x47]);
 * for (let seq = 10; seq >= 0; seq--) pb.add(5000, seq, seq * 100, bytes); // out of order
 * const played = pb.advance(9000).filter((e) => e.type === "play").map((e) => e.seq);
 * if (played.join() !== "0,1,2,3,4,5,6,7,8,9,10") throw new Error(played.join());
 * ```
 */
export class Playback {
  readonly #o: PlaybackOptions;
  /** Buffered blocks and non-media marks of the seqs not passed yet. */
  readonly #slots = new SeqSlots();
  readonly #history = new SeqHistory(HISTORY_SEQS);
  readonly #quality: QualityWindow;
  #pending: PlaybackEvent[] = [];
  #clock = -Infinity;
  #offset = Infinity;
  #minSrc = Infinity;
  #maxSrc = -Infinity;
  #maxSeq = -1;
  /** When the first block was buffered (for `entryWaitMs`). */
  #firstAddAt: number | undefined;
  /** The time of an add not yet followed by a scan for an entry point (NaN: none). */
  #entryOwed = NaN;
  /** A live (not history or repair) block came: the clock offset is credible. */
  #liveSeen = false;
  #delay: PlayDelay | undefined;
  #cursor = 0;
  /** No event may be placed before this (the last event's time, or an anchor). */
  #floor = -Infinity;
  /** Freeze mode: the playhead is stalled on the cursor since `#delay.since`. */
  #frozen = false;
  /**
   * The last search for the next buffered seq (#nextHeld): the smallest seq buffered after
   * `#scanFrom` (undefined: none), kept right by `add` as blocks come, so a long run of
   * missing seqs ahead of the cursor is walked once, not again for every block that arrives
   * behind it (which, at tens of thousands of blocks a second after a burst of loss, took
   * most of a relay's CPU: bench/README.md, run J). NaN: no search to reuse.
   */
  #scanFrom = NaN;
  #scanFound: number | undefined;
  /** Seqs looked at by #nextHeld, all told (diagnostics, and the test of the above). */
  scanSteps = 0;

  /** Checks the options (RangeError on nonsense) and starts empty. */
  constructor(opts: PlaybackOptions) {
    const nonNeg = ["targetDelayMs", "startBufferMs", "toleranceMs", "maxFreezeMs"] as const;
    for (const k of nonNeg) {
      if (!(opts[k] >= 0) || !Number.isFinite(opts[k])) throw new RangeError(`bad ${k}`);
    }
    if (!(opts.rateStep >= 0 && opts.rateStep < 1)) throw new RangeError("bad rateStep");
    if (opts.mode !== "skip" && opts.mode !== "freeze") throw new RangeError("bad mode");
    this.#o = { ...opts };
    this.#quality = new QualityWindow(opts.qualityWindowMs);
  }

  /** True once the start event has happened. */
  get started(): boolean {
    return this.#delay !== undefined;
  }

  /** True while playback waits for an entry point to start at (the `entry` option). */
  get awaitingEntry(): boolean {
    return this.#o.entry !== undefined && !this.started;
  }

  /** The next seq to play, once started. */
  get cursor(): number | undefined {
    return this.started ? this.#cursor : undefined;
  }

  /** The play delay at the latest time playback was told of (0 before the start). */
  get delayMs(): number {
    const d = this.#delay;
    if (!d) return 0;
    return this.#frozen ? d.at(d.since) + (this.#clock - d.since) : d.at(this.#clock);
  }

  /** The [0061] signal at the latest time: 1, 1 - rateStep (slow down) or 1 + rateStep. */
  get rate(): number {
    const d = this.delayMs, o = this.#o;
    if (!this.started) return 1;
    if (d < o.targetDelayMs - o.toleranceMs) return 1 - o.rateStep;
    if (d > o.targetDelayMs + o.toleranceMs) return 1 + o.rateStep;
    return 1;
  }

  /** Skips and freezes within the quality window ending at `now` [0063]. */
  quality(now: number): QualityCounts {
    return this.#quality.counts(now);
  }

  /** True if `seq` is buffered, or was played within the last {@link HISTORY_SEQS} seqs. */
  has(seq: number): boolean {
    return this.#slots.state(seq) === HELD || this.#history.get(seq) === "played";
  }

  /** Sizes of what is held (diagnostics). */
  memory(): PlaybackMemory {
    return {
      buffered: this.#slots.held,
      marks: this.#slots.marks,
      qualityLog: this.#quality.size,
      pending: this.#pending.length,
    };
  }

  /**
   * A verified media block arrived at `now`. Returns false when it is not taken (a
   * duplicate, too late, marked non-media, or too far ahead); that is never an error.
   * Throws RangeError on a non-integer seq, non-finite times, or time going backwards.
   * `live` is false for a copy sent late on purpose (history, repair): until a live block
   * came, the clock offset may be far off, so no entry start is made on it.
   */
  add(now: number, seq: number, srcTime: number, payload: Uint8Array, live = true): boolean {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad seq ${seq}`);
    if (!Number.isFinite(srcTime)) throw new RangeError(`bad srcTime ${srcTime}`);
    if (!(payload instanceof Uint8Array)) throw new TypeError("payload must be a Uint8Array");
    if (now > this.#entryOwed) this.settle();
    this.#run(now);
    this.#learnOffset(now - srcTime, now);
    if (live) this.#liveSeen = true;
    if (this.#slots.state(seq) !== NONE) return false;
    if (this.started && (seq < this.#cursor || seq > this.#cursor + MAX_AHEAD_SEQS)) {
      return false;
    }
    this.#slots.hold(seq, srcTime, now, payload);
    if (seq > this.#maxSeq) this.#maxSeq = seq;
    // Blocks held after the last search's start: the first of them is the next one.
    const found = this.#scanFound;
    if (seq > this.#scanFrom && (found === undefined || seq < found)) this.#scanFound = seq;
    if (!this.started) {
      this.#firstAddAt ??= now;
      this.#minSrc = Math.min(this.#minSrc, srcTime);
      this.#maxSrc = Math.max(this.#maxSrc, srcTime);
      const spans = this.#maxSrc - this.#minSrc >= this.#o.startBufferMs;
      if (this.#o.entry === undefined) {
        if (spans) this.#start(now);
      } else if (spans) this.#entryOwed = now;
    }
    return true;
  }

  /**
   * `seq` is not media (a signature block): neither play it nor count it missing. Pass
   * `now` for exactness (playback first catches up to it); without it the mark takes effect
   * as of the latest time playback was told of. Marks for played seqs, buffered media seqs
   * or seqs too far ahead are ignored.
   */
  skipNonMedia(seq: number, now?: number): void {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad seq ${seq}`);
    if (now !== undefined) this.#run(now);
    const st = this.#slots.state(seq);
    if (st === HELD) return;
    if (this.started && (seq < this.#cursor || seq > this.#cursor + MAX_AHEAD_SEQS)) return;
    if (st === NONE) this.#slots.mark(seq);
    // A stall on a seq that turns out not to be media never happened: the delay anchor
    // still holds the stall's start, so playback resumes from there.
    if (this.#frozen && seq === this.#cursor) this.#frozen = false;
  }

  /** Everything due up to `now`, in order (including events held since an `add`). */
  advance(now: number): PlaybackEvent[] {
    this.settle();
    this.#run(now);
    const out = this.#pending;
    this.#pending = [];
    return out;
  }

  /**
   * When `advance()` next has something to do (never before the latest time playback was
   * told of), or undefined if only an arrival can change anything.
   */
  nextDeadline(): number | undefined {
    if (this.#pending.length > 0 || this.#entryOwed >= 0) return this.#clock;
    if (!this.#delay) return undefined;
    let c = this.#cursor;
    while (this.#slots.state(c) === MARK) c++;
    const held = this.#slots.state(c) === HELD;
    let t: number;
    if (this.#frozen) t = held ? this.#clock : this.#delay.since + this.#o.maxFreezeMs;
    else if (held) t = this.#dueAt(this.#slots.srcTime(c));
    else {
      const n = this.#nextHeld(c);
      if (n === undefined) return undefined;
      t = this.#dueAt(this.#slots.srcTime(n));
    }
    return Math.max(t, this.#clock);
  }

  /** Takes a new transit sample; a lower offset after the start raises the delay to match. */
  #learnOffset(transit: number, now: number): void {
    if (!(transit < this.#offset)) return;
    const d = this.#delay;
    if (d) {
      const drop = this.#offset - transit;
      if (this.#frozen) d.reset(d.since, d.at(d.since) + drop);
      else {
        d.reset(now, d.at(now) + drop);
        this.#floor = Math.max(this.#floor, now);
      }
    }
    this.#offset = transit;
  }

  /** Chooses the start seq and delay (module docs, "Start") and emits `start`. */
  #start(now: number): void {
    const seqs = this.#slots.seqs(HELD).sort((a, b) => a - b);
    const target = this.#o.targetDelayMs;
    const age = (s: number) => now - (this.#slots.srcTime(s) + this.#offset);
    let seq = seqs[0];
    let delay = age(seq);
    if (delay > target) {
      const young = seqs.find((s) => age(s) <= target);
      if (young !== undefined) [seq, delay] = [young, target];
    }
    this.#begin(now, seq, delay);
  }

  /**
   * Makes the start at an entry point that the adds since the last call may have made
   * possible, as of the latest of them. The scan reads the whole buffer, and blocks come in
   * bursts at one time (a batch verifies when its signature block comes, a joiner's history
   * as hundreds of adds): so it runs once per burst, not per add: here, called by `advance`,
   * by the first add at a later time, and by a caller that wants the start now.
   */
  settle(): void {
    const at = this.#entryOwed;
    if (!(at >= 0)) return;
    this.#entryOwed = NaN;
    if (this.started || (this.#liveSeen && this.#entryStart(at))) return;
    if (at - this.#firstAddAt! >= (this.#o.entryWaitMs ?? 0)) this.#start(at);
  }

  /**
   * Starts at an entry point if there is a usable one (module docs, "Start at an entry
   * point"); returns whether it did.
   */
  #entryStart(now: number): boolean {
    const slots = this.#slots, entry = this.#o.entry!;
    const seqs = slots.seqs(HELD).sort((a, b) => a - b);
    const lo = seqs[0], hi = seqs[seqs.length - 1];
    // runEnd[s - lo]: the last seq of the unbroken run of present seqs from s on.
    const runEnd = new Float64Array(hi - lo + 1);
    for (let s = hi; s >= lo; s--) {
      const present = slots.state(s) !== NONE;
      runEnd[s - lo] = !present ? s - 1 : s === hi ? s : runEnd[s + 1 - lo];
    }
    const oldest = this.#o.targetDelayMs + this.#o.toleranceMs;
    let j = 0;
    for (const e of seqs) {
      const t = slots.srcTime(e);
      if (now - (t + this.#offset) > oldest) continue;
      // The first held seq a full start buffer after e (source times grow with the seq).
      while (
        j < seqs.length && (seqs[j] <= e || slots.srcTime(seqs[j]) < t + this.#o.startBufferMs)
      ) {
        j++;
      }
      if (j === seqs.length) return false;
      if (runEnd[e - lo] < seqs[j]) continue;
      // The next media block (a signature block's seq in between is no media).
      let next = e + 1;
      while (slots.state(next) === MARK) next++;
      if (slots.state(next) !== HELD || !entry(slots.payload(e), slots.payload(next))) continue;
      this.#begin(now, e, now - (t + this.#offset));
      return true;
    }
    return false;
  }

  /** Starts playback at `seq` with play delay `delay`, dropping what is older. */
  #begin(now: number, seq: number, delay: number): void {
    const target = this.#o.targetDelayMs;
    for (const s of this.#slots.seqs(HELD)) if (s < seq) this.#slots.clear(s);
    for (const s of this.#slots.seqs(MARK)) if (s < seq) this.#slots.clear(s);
    this.#scanFrom = NaN;
    this.#cursor = seq;
    this.#delay = new PlayDelay(
      { target, tolerance: this.#o.toleranceMs, step: this.#o.rateStep },
      now,
      delay,
    );
    this.#floor = now;
    this.#pending.push({ type: "start", seq, at: now, delayMs: delay });
  }

  /** When a block of source time `srcTime` falls due, never before the floor. */
  #dueAt(srcTime: number): number {
    return Math.max(this.#floor, this.#delay!.due(srcTime + this.#offset));
  }

  /** The smallest buffered seq after `c`. */
  #nextHeld(c: number): number | undefined {
    if (this.#slots.held === 0) return undefined;
    // The last search still holds while it started at or before `c` and what it found is
    // still buffered and after `c` (or it found nothing): nothing between was buffered then,
    // and every block buffered since went through `add`.
    if (this.#scanFrom <= c) {
      const found = this.#scanFound;
      if (found === undefined) return undefined;
      if (found > c && this.#slots.state(found) === HELD) return found;
    }
    let next: number | undefined;
    for (let s = c + 1; s <= this.#maxSeq; s++) {
      this.scanSteps++;
      if (this.#slots.state(s) === HELD) {
        next = s;
        break;
      }
    }
    this.#scanFrom = c;
    this.#scanFound = next;
    return next;
  }

  /** Processes everything due up to `now`, in time order, into `#pending`. */
  #run(now: number): void {
    if (!Number.isFinite(now)) throw new RangeError(`bad time ${now}`);
    if (now < this.#clock) throw new RangeError(`time went backwards: ${now} < ${this.#clock}`);
    this.#clock = now;
    const d = this.#delay;
    if (!d) return;
    const o = this.#o;
    for (;;) {
      const c = this.#cursor;
      const st = this.#slots.state(c);
      if (st === MARK) {
        this.#slots.clear(c);
        this.#pass(c, "nonmedia");
        continue;
      }
      const held = st === HELD;
      if (this.#frozen) {
        const since = d.since, d0 = d.at(since);
        if (held) {
          const arrival = this.#slots.arrival(c);
          this.#frozen = false;
          this.#stall(c, since, d0, arrival - since);
          this.#play(c, arrival);
          continue;
        }
        if (since + o.maxFreezeMs > now) return;
        this.#frozen = false;
        this.#stall(c, since, d0, o.maxFreezeMs);
        this.#skipGap(c, since + o.maxFreezeMs, true);
        continue;
      }
      if (held) {
        const due = this.#dueAt(this.#slots.srcTime(c));
        const arrival = this.#slots.arrival(c);
        if (arrival <= due) {
          if (due > now) return;
          this.#play(c, due);
        } else if (o.mode === "skip") {
          this.#skipGap(c, due, false);
        } else {
          const wait = arrival - due;
          const d0 = d.at(due);
          if (wait < o.maxFreezeMs) {
            this.#stall(c, due, d0, wait);
            this.#play(c, arrival);
          } else {
            this.#stall(c, due, d0, o.maxFreezeMs);
            this.#skipGap(c, due + o.maxFreezeMs, false);
          }
        }
        continue;
      }
      const n = this.#nextHeld(c);
      if (n === undefined) return;
      const due = this.#dueAt(this.#slots.srcTime(n));
      if (due > now) return;
      if (o.mode === "skip") this.#skipGap(c, due, true);
      else {
        d.reset(due, d.at(due));
        this.#floor = due;
        this.#frozen = true;
      }
    }
  }

  /** The playhead stood still from `from` for `ms`: emit the freeze, grow the delay. */
  #stall(seq: number, from: number, delayAtFrom: number, ms: number): void {
    const end = from + ms;
    this.#delay!.reset(end, delayAtFrom + ms);
    this.#floor = end;
    if (ms > 0) this.#emit({ type: "freeze", seq, at: from, ms });
  }

  /** Emits `play` for the cursor block and moves on, dropping its payload. */
  #play(seq: number, at: number): void {
    this.#floor = at;
    const payload = this.#slots.payload(seq), srcTime = this.#slots.srcTime(seq);
    this.#emit({ type: "play", seq, at, payload, srcTime });
    this.#pass(seq, "played");
  }

  /**
   * Skips the cursor seq at `at` and, if `run`, every missing seq up to the next buffered
   * one too (they share the missing seq's estimated deadline).
   */
  #skipGap(c: number, at: number, run: boolean): void {
    this.#floor = at;
    const end = run ? this.#nextHeld(c) ?? c + 1 : c + 1;
    for (let s = c; s < end; s++) {
      if (this.#slots.state(s) === MARK) {
        this.#slots.clear(s);
        this.#pass(s, "nonmedia");
      } else {
        this.#emit({ type: "skip", seq: s, at });
        this.#pass(s, "skipped");
      }
    }
  }

  /** Records the fate of the cursor seq and advances the cursor past it. */
  #pass(seq: number, fate: "played" | "skipped" | "nonmedia"): void {
    this.#slots.clear(seq);
    this.#history.mark(seq, fate);
    this.#cursor = seq + 1;
  }

  #emit(e: PlaybackEvent): void {
    this.#pending.push(e);
    if (e.type === "skip" || e.type === "freeze") this.#quality.note(e.type, e.at);
  }
}
