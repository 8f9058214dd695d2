/**
 * What became of recent sequence numbers, in a fixed-size ring so memory stays bounded
 * however long the stream runs: older seqs simply fall out.
 */
import { SeqRing } from "../peer/seq_ring.ts";

/** The fate of a sequence number the playhead has passed. */
export type SeqFate = "played" | "skipped" | "nonmedia";

const FATES: readonly SeqFate[] = ["played", "skipped", "nonmedia"];

/**
 * A ring of the last `size` seqs' fates.
 *
 * @example
 * ```ts
 * import { SeqHistory } from "./history.ts";
 * const h = new SeqHistory(4);
 * h.mark(7, "played");
 * if (h.get(7) !== "played" || h.get(3) !== undefined) throw new Error();
 * h.mark(11, "skipped"); // same slot: 7 is forgotten
 * if (h.get(7) !== undefined) throw new Error();
 * ```
 */
export class SeqHistory {
  readonly #seqs: SeqRing;
  readonly #fates: Uint8Array;

  /** Remembers up to `size` seqs (a positive integer). */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`bad history size ${size}`);
    this.#seqs = new SeqRing(size);
    this.#fates = new Uint8Array(size);
  }

  /** Records the fate of `seq`, forgetting whatever shared its slot. */
  mark(seq: number, fate: SeqFate): void {
    const i = this.#seqs.claim(seq);
    if (i >= 0) this.#fates[i] = fate === "played" ? 0 : fate === "skipped" ? 1 : 2;
  }

  /** The recorded fate of `seq`, or undefined if unknown or forgotten. */
  get(seq: number): SeqFate | undefined {
    const i = this.#seqs.slot(seq);
    return i >= 0 ? FATES[this.#fates[i]] : undefined;
  }
}
