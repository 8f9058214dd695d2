/**
 * The peer-side verifier: which blocks are authentic, which wait for their batch's auth
 * block, which are forged. Bounded memory: per-seq state lives in a ring of `window + 1`
 * slots behind the highest verified seq, and data waiting for its auth block is held only
 * for seqs within `window` of it.
 */
import type { Addr, AuthBlock, Block, DataBlock } from "../wire/messages.ts";
import { bytesEqual, dataShapeOk, isU64 } from "./shape.ts";
import type { AuthSuite } from "./suite.ts";
import { SeqRing } from "../peer/seq_ring.ts";

/**
 * What became of an offered block:
 * - `verified`: authentic and new (it is in `ready`);
 * - `pending`: a data block held until its batch's auth block arrives;
 * - `forged`: bad signature, leaf mismatch, malformed, or the wrong kind for its seq
 *   (the sender `from` is the forger);
 * - `duplicate`: nothing new: the seq is already verified (not re-checked, so it costs no
 *   hash), this sender already has a copy pending there, or that seq's pending slots are full;
 * - `stale`: the seq is outside the window (too old, or a data block too far ahead).
 */
export type Verdict = "verified" | "pending" | "forged" | "duplicate" | "stale";

/** The answer to {@link BlockAuthenticator.offer}. */
export interface OfferResult {
  readonly verdict: Verdict;
  /**
   * Blocks that became verified by this call. For a data block: itself. For an auth
   * block: the auth block first, then the pending data blocks it verified, ascending seq.
   */
  readonly ready: readonly Block[];
  /**
   * Senders of pending data blocks that this auth block proved forged (each address once).
   * Does not include `from`; when the verdict is `forged`, `from` is the forger.
   */
  readonly forgedFrom: readonly Addr[];
}

/** Cumulative counts of verdicts; `verified` and `forged` also count pending blocks resolved. */
export interface AuthCounters {
  readonly verified: number;
  readonly forged: number;
  readonly pending: number;
  readonly duplicate: number;
  readonly stale: number;
}

interface Candidate {
  readonly block: DataBlock;
  readonly from: Addr;
  /** A forgery of it is blamed on `from` (in `forgedFrom`); else only counted. */
  readonly blame: boolean;
}

const VERIFIED = 1;
const AUTH = 2;
const NONE: readonly never[] = Object.freeze([]);
const EMPTY_RESULT: Readonly<Record<Verdict, OfferResult>> = Object.freeze({
  verified: Object.freeze({ verdict: "verified", ready: NONE, forgedFrom: NONE }),
  pending: Object.freeze({ verdict: "pending", ready: NONE, forgedFrom: NONE }),
  forged: Object.freeze({ verdict: "forged", ready: NONE, forgedFrom: NONE }),
  duplicate: Object.freeze({ verdict: "duplicate", ready: NONE, forgedFrom: NONE }),
  stale: Object.freeze({ verdict: "stale", ready: NONE, forgedFrom: NONE }),
});

/** Verifies blocks against their batch's auth block, with bounded memory. */
export class BlockAuthenticator {
  readonly #suite: AuthSuite;
  readonly #window: number;
  readonly #maxPending: number;
  /** Which seq holds each slot of the per-seq state. */
  readonly #tags: SeqRing;
  readonly #flags: Uint8Array;
  readonly #leaves: (Uint8Array | undefined)[];
  readonly #pending = new Map<number, Candidate[]>();
  #pendingCount = 0;
  #top = -1;
  #prunedFloor: number | undefined;
  #counts = { verified: 0, forged: 0, pending: 0, duplicate: 0, stale: 0 };

  /**
   * `window`: seqs of state kept behind the highest verified seq, and how far ahead of it a
   * data block may wait (default 8192). `maxPendingPerSeq`: copies from distinct senders
   * held per waiting seq, so one liar cannot crowd out the honest copy (default 2).
   * Before anything verifies, at most `window` seqs wait.
   */
  constructor(suite: AuthSuite, opts: { window?: number; maxPendingPerSeq?: number } = {}) {
    const window = opts.window ?? 8192;
    const maxPending = opts.maxPendingPerSeq ?? 2;
    if (!Number.isSafeInteger(window) || window < 1) throw new RangeError(`bad window ${window}`);
    if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
      throw new RangeError(`bad maxPendingPerSeq ${maxPending}`);
    }
    this.#suite = suite;
    this.#window = window;
    this.#maxPending = maxPending;
    this.#tags = new SeqRing(window + 1);
    this.#flags = new Uint8Array(window + 1);
    this.#leaves = new Array(window + 1).fill(undefined);
  }

  /**
   * Offers a block that arrived from `from`. Never throws on bad input. A copy that waits
   * and turns out forged is listed in a later result's `forgedFrom` only if `blame`: the
   * caller knows whether `from` could have been spoofed (peer.ts).
   */
  offer(block: Block, from: Addr, blame = true): OfferResult {
    if (typeof block === "object" && block !== null) {
      if (block.kind === "data") return this.#offerData(block, from, blame);
      if (block.kind === "auth") return this.#offerAuth(block);
    }
    return this.#say("forged");
  }

  /** True iff `seq` is verified and still inside the window. */
  isVerified(seq: number): boolean {
    const i = this.#slot(seq);
    return i >= 0 && (this.#flags[i] & VERIFIED) !== 0;
  }

  /** True iff a verified auth block gave the leaf of data seq `seq` (inside the window). */
  leafKnown(seq: number): boolean {
    const i = this.#slot(seq);
    return i >= 0 && this.#leaves[i] !== undefined;
  }

  /** A snapshot of the verdict counters. */
  get counters(): AuthCounters {
    return { ...this.#counts };
  }

  /** Data blocks held waiting for their auth block, all seqs together. */
  get pendingCount(): number {
    return this.#pendingCount;
  }

  /** The highest verified seq, or -1 before anything verified. */
  get highestVerified(): number {
    return this.#top;
  }

  #say(verdict: Verdict, ready: readonly Block[] = NONE, forgedFrom: readonly Addr[] = NONE) {
    this.#counts[verdict]++;
    // Most answers carry nothing: hand out one frozen object per verdict instead of a new one.
    if (ready === NONE && forgedFrom === NONE) return EMPTY_RESULT[verdict];
    return { verdict, ready, forgedFrom };
  }

  #offerData(b: DataBlock, from: Addr, blame: boolean): OfferResult {
    if (!dataShapeOk(b)) return this.#say("forged");
    const s = b.seq;
    if (s < this.#top - this.#window) return this.#say("stale");
    const i = this.#slot(s);
    if (i >= 0 && this.#flags[i] & VERIFIED) {
      return this.#say(this.#flags[i] & AUTH ? "forged" : "duplicate");
    }
    const leaf = i >= 0 ? this.#leaves[i] : undefined;
    if (leaf !== undefined) {
      if (!bytesEqual(this.#suite.leaf(b), leaf)) return this.#say("forged");
      this.#flags[i] |= VERIFIED;
      return this.#say("verified", [b]);
    }
    const list = this.#pending.get(s);
    if (list === undefined) {
      const tooFar = this.#top >= 0
        ? s > this.#top + this.#window
        : this.#pending.size >= this.#window;
      if (tooFar) return this.#say("stale");
      this.#pending.set(s, [{ block: b, from, blame }]);
    } else {
      if (list.length >= this.#maxPending || list.some((c) => c.from === from)) {
        return this.#say("duplicate");
      }
      list.push({ block: b, from, blame });
    }
    this.#pendingCount++;
    return this.#say("pending");
  }

  #offerAuth(a: AuthBlock): OfferResult {
    if (!isU64(a.seq)) return this.#say("forged");
    if (a.seq < this.#top - this.#window) return this.#say("stale");
    const i = this.#slot(a.seq);
    if (i >= 0 && this.#flags[i] & VERIFIED) {
      return this.#say(this.#flags[i] & AUTH ? "duplicate" : "forged");
    }
    // A seq known to carry data cannot carry an auth block: refuse without the costly check.
    if (i >= 0 && this.#leaves[i] !== undefined) return this.#say("forged");
    if (!this.#suite.verifyAuth(a)) return this.#say("forged");

    this.#advance(a.seq);
    this.#flags[this.#claim(a.seq)] = VERIFIED | AUTH;
    const ready: Block[] = [a];
    const liars = new Set<Addr>();
    // Data cannot sit at an auth seq: whoever sent some lied. (Indexed loops over what #take
    // hands back, a list or the frozen empty one: for...of allocated an iterator result per
    // step here, for every signature block of every peer.)
    const atAuth = this.#take(a.seq);
    for (let c = 0; c < atAuth.length; c++) this.#liar(liars, atAuth[c]);
    const floor = this.#top - this.#window;
    for (let j = 0; j < a.count; j++) {
      const s = a.seq - a.count + j;
      if (s < floor) continue;
      const k = this.#claim(s);
      if (this.#flags[k] & AUTH) continue; // the source never reuses a seq; keep the first
      this.#leaves[k] ??= a.leaves[j];
      const leaf = this.#leaves[k]!;
      const cands = this.#take(s);
      for (let ci = 0; ci < cands.length; ci++) {
        const c = cands[ci];
        if (!bytesEqual(this.#suite.leaf(c.block), leaf)) this.#liar(liars, c);
        else if (!(this.#flags[k] & VERIFIED)) {
          this.#flags[k] |= VERIFIED;
          this.#counts.verified++;
          ready.push(c.block);
        }
      }
    }
    this.#counts.forged += liars.size;
    return this.#say("verified", ready, liars.size === 0 ? NONE : [...liars]);
  }

  /** Notes a forged candidate: its sender is a liar if it can be blamed, else only counted. */
  #liar(liars: Set<Addr>, c: Candidate): void {
    if (c.blame) liars.add(c.from);
    else this.#counts.forged++;
  }

  /** The ring slot holding live state for `seq`, or -1. */
  #slot(seq: number): number {
    if (!isU64(seq) || seq < this.#top - this.#window) return -1;
    return this.#tags.slot(seq);
  }

  /** The ring slot for `seq` (which must be inside the window), cleared if it held another. */
  #claim(seq: number): number {
    let i = this.#tags.slot(seq);
    if (i < 0) {
      i = this.#tags.claim(seq);
      this.#flags[i] = 0;
      this.#leaves[i] = undefined;
    }
    return i;
  }

  /** Removes and returns the candidates pending at `seq`. */
  #take(seq: number): readonly Candidate[] {
    const list = this.#pending.get(seq);
    if (list === undefined) return NONE;
    this.#pending.delete(seq);
    this.#pendingCount -= list.length;
    return list;
  }

  /** Raises the highest verified seq and forgets pending data that fell out of the window. */
  #advance(seq: number): void {
    if (seq <= this.#top) return;
    this.#top = seq;
    const floor = seq - this.#window;
    // Sweeping the pending map costs its size, so sweep only every quarter window: pending
    // seqs then stay within [floor - window/4, top + window], still a bounded span.
    const first = this.#prunedFloor === undefined;
    if (!first && floor - this.#prunedFloor! < Math.max(1, this.#window >> 2)) return;
    this.#prunedFloor = floor;
    for (const s of this.#pending.keys()) {
      if (s < floor || (first && s > seq + this.#window)) this.#take(s);
    }
  }
}
