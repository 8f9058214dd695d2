/**
 * Loss repair. The patent has no retransmission; a datagram lost on the single connection
 * into another club is a hole. Each club's blocks arrive roughly in order, so when block `s`
 * of club k arrives, the club's earlier numbers between the last one seen and `s` that are
 * still absent are missing. After a short grace (reordering across in-club paths), the peer
 * asks a holder with a "want"; if the block does not come, it asks again, a different holder
 * each time, up to `maxTries`, and gives up once the block could no longer be played.
 * (docs/protocol.md, "Loss repair", has the measurements behind the choice.)
 */

import { MissingList } from "./missing_list.ts";
import { SeqSet } from "./seq_ring.ts";

/** Options of a {@link RepairTracker}. */
export interface RepairOptions {
  readonly clubs: number;
  readonly graceMs: number;
  readonly retryMs: number;
  readonly maxTries: number;
  /** At most this many sequence numbers are tracked as missing at once. */
  readonly maxMissing: number;
}

/** Seqs `overdue` looks at in one call at most (after a long pause, only the newest). */
const MAX_SWEEP = 1024;

/** Numbers of one club `hasten` looks at in one call at most. */
const HASTEN_MAX = 64;

/** What {@link RepairTracker.due} answers when it can skip its pass (every tick, mostly). */
const NOTHING_DUE: readonly RepairDue[] = Object.freeze([]);

/** See {@link RepairTracker.due}: far above the rounding of ms sums, far below a tick. */
const SKIP_MARGIN_MS = 1e-3;

/** A sequence number to ask for now, and how many times it was asked before. */
export interface RepairDue {
  readonly seq: number;
  readonly tries: number;
  /** It went missing in a gap of its link's counter (see {@link RepairTracker.arrived}). */
  readonly lost: boolean;
}

/** Tracks missing blocks and when to ask for them. */
export class RepairTracker {
  /** Highest seq seen per club; -Infinity for none yet. */
  readonly #top: Float64Array;
  /** Missing seqs in the order they went missing (`due` asks in that order). */
  readonly #missing = new MissingList();
  /**
   * The keys of `#missing` again, as a bitmap: every block that arrives asks whether it was
   * missing, and almost never was; a bit test answers that without a hash lookup.
   */
  readonly #isMissing = new SeqSet(1024);
  /**
   * Nothing in `#missing` is due, or expires, before this time, and no missing seq is below
   * `#lowSeq` (both are exact after each full pass of `due`, lower bounds in between): `due`
   * runs every tick and, until then, need not visit the map.
   */
  #nextAt = Infinity;
  #lowSeq = Infinity;
  /** Highest seq `overdue` has looked at. */
  #swept = -1;
  /** Highest seq of each club `overdueClub` has looked at. */
  readonly #sweptClub: Float64Array;
  readonly #o: RepairOptions;
  /** Sequence numbers given up on. */
  abandoned = 0;

  /** A tracker with the given timing. */
  constructor(o: RepairOptions) {
    this.#o = o;
    this.#top = new Float64Array(o.clubs).fill(-Infinity);
    this.#sweptClub = new Float64Array(o.clubs).fill(-1);
  }

  /** No missing seq is due before this time (a lower bound: one may be due later). */
  get nextDueAt(): number {
    return this.#nextAt;
  }

  /** Sequence numbers currently missing. */
  get missing(): number {
    return this.#missing.size;
  }

  /** True if `seq` is being repaired. */
  isMissing(seq: number): boolean {
    return this.#isMissing.has(seq);
  }

  /**
   * Accounts the arrival of block `seq` at `now`; `held` says which earlier ones this peer
   * already has. Blocks below `floor` are no longer wanted. `lost` is how many datagrams the
   * connection's counter skipped right before this block on a link that carries every block
   * of the club in order (out-of-club): that many of the club's absent numbers, the newest,
   * were lost, not reordered, so they are asked for at once, without the grace. The older
   * absent ones were not on the lost datagrams: late (the sender got them late itself), they
   * wait the grace as any hole (asked at once, two in five came anyway, a duplicate each). A
   * block that may run ahead of its club's others (a signature block) shows the absent ones
   * `lateMs` later than others do; `hastenable`: {@link hasten} may take that back.
   */
  arrived(
    now: number,
    seq: number,
    held: (seq: number) => boolean,
    floor: number,
    lost = 0,
    lateMs = 0,
    hastenable = false,
  ): void {
    if (this.#isMissing.has(seq)) this.#forget(seq);
    const club = seq % this.#o.clubs;
    // Not a non-negative integer (never after validation): such a seq could only ever set its
    // own odd club's top, which nothing reads.
    if (!(club >= 0 && club < this.#top.length)) return;
    const top = this.#top[club];
    if (seq <= top) return;
    this.#top[club] = seq;
    if (top === -Infinity) return;
    this.#between(now, top, seq, held, floor, lost, lateMs, hastenable);
  }

  /**
   * Brings the holes of `club` below `below` that were marked `hastenable` (the caller marks
   * every hole of another club) and not yet asked for `byMs` sooner, once: their link lost
   * datagrams since, so some of them are lost, not late (or the link is gone: `below` then
   * defaults to past the club's newest number). Looks at the club's 64 numbers below `below`
   * at most.
   */
  hasten(club: number, byMs: number, below = this.#top[club] + 1): void {
    const clubs = this.#o.clubs;
    if (this.#missing.size === 0 || !(club >= 0 && club < clubs) || !(below > 0)) return;
    const graceMs = this.#o.graceMs;
    let s = below - 1 - ((below - 1 - club) % clubs + clubs) % clubs;
    for (let n = 0; n < HASTEN_MAX && s >= this.#lowSeq; n++, s -= clubs) {
      if (!this.#isMissing.has(s)) continue;
      const since = this.#missing.hasten(s, byMs);
      if (since !== undefined) this.#noteDue(s, since + graceMs);
    }
  }

  /**
   * Marks the absent numbers of `seq`'s club strictly between `after` and `seq` as lost and
   * due at once: for a stream that brings a club's blocks in order outside any counter (a
   * joiner's history, oldest first), where a skipped number can only have been lost.
   */
  lostBetween(
    now: number,
    after: number,
    seq: number,
    held: (seq: number) => boolean,
    floor: number,
  ): void {
    this.#between(now, after, seq, held, floor, Infinity, 0, false);
  }

  /**
   * Marks the absent numbers of `seq`'s club strictly between `after` and `seq` missing: the
   * newest `lost` of them lost (due now), the others due after the grace plus `lateMs`.
   */
  #between(
    now: number,
    after: number,
    seq: number,
    held: (seq: number) => boolean,
    floor: number,
    lost: number,
    lateMs: number,
    hastenable: boolean,
  ): void {
    const clubs = this.#o.clubs, club = seq % clubs;
    const from = Math.max(after + clubs, floor - ((floor - club) % clubs));
    // The lowest of the newest `lost` absent numbers: it and those above it were lost.
    let lostFrom = seq;
    for (let s = seq - clubs, left = lost; s >= from && left > 0; s -= clubs) {
      if (this.#absent(s, held, floor)) {
        lostFrom = s;
        left--;
      }
    }
    for (let s = from; s < seq; s += clubs) {
      if (!this.#absent(s, held, floor)) continue;
      if (this.#missing.size >= this.#o.maxMissing) break;
      const wasLost = s >= lostFrom;
      this.#mark(s, wasLost ? now - this.#o.graceMs : now + lateMs, wasLost, hastenable);
    }
  }

  /**
   * True when `seq` is still wanted (at or above `floor`), not held and not yet tracked. A
   * method, not a closure made in `#between`: that runs for nearly every block that comes.
   */
  #absent(seq: number, held: (seq: number) => boolean, floor: number): boolean {
    return seq >= floor && !held(seq) && !this.#isMissing.has(seq);
  }

  /**
   * Marks every absent seq from `floor` up to `limit` (inclusive) as missing and due now:
   * the caller's `limit` is the newest seq it held some time ago (`overdueMs`), so these
   * are late against the blocks around them, whatever their club. This catches what
   * `arrived` cannot: a club whose link died or stalled sends no later block to show a hole.
   */
  overdue(now: number, limit: number, held: (seq: number) => boolean, floor: number): void {
    let s = Math.max(floor, this.#swept + 1);
    if (limit - s > MAX_SWEEP) s = limit - MAX_SWEEP;
    this.#sweep(now, s, limit, 1, held);
    if (limit > this.#swept) this.#swept = limit;
  }

  /**
   * As {@link overdue}, for the seqs of one club only, with the caller's shorter lag: a club
   * no connection brings (orphaned) is late sooner than one whose link may just be slow.
   */
  overdueClub(
    now: number,
    limit: number,
    club: number,
    held: (seq: number) => boolean,
    floor: number,
  ): void {
    const clubs = this.#o.clubs;
    if (!(club >= 0 && club < clubs)) return;
    let s = Math.max(floor, this.#sweptClub[club] + 1, this.#swept + 1, limit - MAX_SWEEP);
    s += (club - (s % clubs) + clubs) % clubs;
    this.#sweep(now, s, limit, clubs, held);
    if (limit > this.#sweptClub[club]) this.#sweptClub[club] = limit;
  }

  /** Marks the absent seqs `from`, `from + step`, ... up to `limit` missing and due now. */
  #sweep(now: number, from: number, limit: number, step: number, held: (seq: number) => boolean) {
    const since = now - this.#o.graceMs;
    for (let s = from; s <= limit; s += step) {
      if (held(s) || this.#isMissing.has(s)) continue;
      if (this.#missing.size >= this.#o.maxMissing) break;
      this.#mark(s, since, false);
    }
  }

  /** Marks `seq` missing since `since` (due a grace later). */
  #mark(seq: number, since: number, lost: boolean, hastenable = false): void {
    this.#missing.add(seq, since, lost, hastenable && !lost);
    this.#isMissing.add(seq);
    this.#noteDue(seq, since + this.#o.graceMs);
  }

  /**
   * Notes that `seq` was asked for at `now` outside {@link due} (an upstream offered it,
   * offer.ts): tracked as missing and asked once, so that `due` asks the next holder only
   * `retryMs` later if it has not come. Nothing below `floor`, nor past `maxMissing`.
   */
  askedNow(now: number, seq: number, floor: number): void {
    if (seq < floor) return;
    if (!this.#isMissing.has(seq)) {
      if (this.#missing.size >= this.#o.maxMissing) return;
      this.#mark(seq, now - this.#o.graceMs, false);
    }
    const i = this.#missing.indexOf(seq);
    if (this.#missing.triesAt(i) > 0) return;
    this.#missing.asked(i, now);
    this.#noteDue(seq, now + this.#o.retryMs);
  }

  #forget(seq: number): void {
    this.#missing.remove(seq);
    this.#isMissing.delete(seq);
  }

  /** Lowers the bounds `due` may skip by for a seq that becomes due (or expires) at `at`. */
  #noteDue(seq: number, at: number): void {
    if (at < this.#nextAt) this.#nextAt = at;
    if (seq < this.#lowSeq) this.#lowSeq = seq;
  }

  /**
   * The sequence numbers to ask for at `now`, each marked as asked. Those below `floor`
   * (too late to play) are dropped. `retryMs` defaults to the option; a shorter one than the
   * last call's takes effect from the next pass that runs (the bounds that let a call skip
   * its pass were set with the last one).
   */
  due(now: number, floor: number, retryMs = this.#o.retryMs): readonly RepairDue[] {
    // Nothing due, expiring or below the floor: the pass below would change nothing. (The
    // margin keeps the skip on the safe side of rounding in the comparisons below.)
    if (now < this.#nextAt - SKIP_MARGIN_MS && floor <= this.#lowSeq) return NOTHING_DUE;
    const out: RepairDue[] = [];
    const { graceMs, maxTries } = this.#o;
    let nextAt = Infinity, lowSeq = Infinity;
    const list = this.#missing;
    for (let i = 0, slots = list.slots; i < slots; i++) {
      if (!list.present(i)) continue;
      const seq = list.seqAt(i), tries = list.triesAt(i), askedAt = list.askedAtOf(i);
      if (seq < floor || tries >= maxTries) {
        if (tries >= maxTries && now - askedAt < retryMs) {
          nextAt = Math.min(nextAt, askedAt + retryMs);
          lowSeq = Math.min(lowSeq, seq);
          continue;
        }
        list.removeAt(i);
        this.#isMissing.delete(seq);
        this.abandoned++;
        continue;
      }
      const since = list.sinceAt(i);
      if (now - since < graceMs || now - askedAt < retryMs) {
        nextAt = Math.min(nextAt, Math.max(since + graceMs, askedAt + retryMs));
        lowSeq = Math.min(lowSeq, seq);
        continue;
      }
      out.push({ seq, tries, lost: list.lostAt(i) });
      list.asked(i, now);
      nextAt = Math.min(nextAt, now + retryMs);
      lowSeq = Math.min(lowSeq, seq);
    }
    // A pass over the slots visits the holes too: close them once they are half.
    if (list.size * 2 < list.slots) list.compact();
    this.#nextAt = nextAt;
    this.#lowSeq = lowSeq;
    return out;
  }
}
