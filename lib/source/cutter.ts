/**
 * Cuts the incoming byte stream into block payloads: full blocks as soon as enough bytes
 * arrive, a short block of the whole aligned units buffered once the oldest buffered byte
 * has waited `maxWaitMs` (so a low bitrate is not stalled waiting to fill a block), and the
 * remainder at the end of the stream. Sans-IO: the caller passes `now` (ms) and asks
 * {@link BlockCutter.nextDeadline} when to call {@link BlockCutter.flush}.
 *
 * With MPEG-TS input and `align` 188, every payload but the very last starts and ends on a
 * TS packet boundary, so any block a receiver gets begins with a TS packet.
 */

/** How to cut. */
export interface CutterOptions {
  /** Full payload size in bytes, a multiple of `align` (e.g. 1128 = 6 TS packets). */
  readonly blockBytes: number;
  /** Unit a payload never splits: 188 for MPEG-TS, 1 for raw bytes. */
  readonly align: number;
  /** Longest a byte waits before a short payload goes out (e.g. 20). */
  readonly maxWaitMs: number;
}

/** Bytes in an MPEG-TS packet, and its first byte. */
export const TS_PACKET = 188;
const TS_SYNC = 0x47;

/**
 * True iff `bytes` looks like MPEG-TS from its first byte: every 188th byte is the sync
 * byte 0x47. For a CLI warning only; the cutter never needs it.
 */
export function mpegTsSync(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (let i = 0; i < bytes.length; i += TS_PACKET) if (bytes[i] !== TS_SYNC) return false;
  return true;
}

/** Turns a byte stream into block payloads (see the module comment). */
export class BlockCutter {
  readonly #align: number;
  readonly #maxWait: number;
  readonly #buf: Uint8Array;
  #len = 0;
  /** Where each arrival's bytes start in #buf, and when they arrived; ascending. */
  #marks: { start: number; at: number }[] = [];

  /** Throws RangeError unless blockBytes is a positive multiple of align and maxWaitMs >= 0. */
  constructor(opts: CutterOptions) {
    const { blockBytes, align, maxWaitMs } = opts;
    if (!Number.isSafeInteger(align) || align < 1) throw new RangeError(`bad align ${align}`);
    if (!Number.isSafeInteger(blockBytes) || blockBytes < align || blockBytes % align !== 0) {
      throw new RangeError(`blockBytes ${blockBytes} is not a positive multiple of ${align}`);
    }
    if (!(maxWaitMs >= 0)) throw new RangeError(`bad maxWaitMs ${maxWaitMs}`);
    this.#align = align;
    this.#maxWait = maxWaitMs;
    this.#buf = new Uint8Array(blockBytes);
  }

  /** Takes bytes that arrived at `now`; returns the full payloads they complete. */
  push(now: number, bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    const size = this.#buf.length;
    let off = 0;
    while (off < bytes.length) {
      if (this.#len === 0 && bytes.length - off >= size) {
        out.push(bytes.slice(off, off + size)); // straight from the input, one copy
        off += size;
        continue;
      }
      const n = Math.min(size - this.#len, bytes.length - off);
      const last = this.#marks[this.#marks.length - 1];
      if (last === undefined || last.at !== now) this.#marks.push({ start: this.#len, at: now });
      this.#buf.set(bytes.subarray(off, off + n), this.#len);
      this.#len += n;
      off += n;
      if (this.#len === size) out.push(this.#take(size));
    }
    return out;
  }

  /**
   * A short payload of the whole aligned units buffered, if the oldest buffered byte has
   * waited at least maxWaitMs; else nothing.
   */
  flush(now: number): Uint8Array[] {
    const due = this.nextDeadline();
    if (due === undefined || now < due) return [];
    return [this.#take(this.#len - (this.#len % this.#align))];
  }

  /** Everything still buffered, as one payload (possibly a partial unit), for end of input. */
  end(): Uint8Array[] {
    return this.#len === 0 ? [] : [this.#take(this.#len)];
  }

  /** When {@link flush} will have something to emit, or undefined if nothing can be due. */
  nextDeadline(): number | undefined {
    // Bytes short of one unit cannot go out before more arrive, so they set no deadline.
    if (this.#len < this.#align) return undefined;
    return this.#marks[0].at + this.#maxWait;
  }

  /** Bytes buffered. */
  get buffered(): number {
    return this.#len;
  }

  /** Removes and returns the first n buffered bytes, keeping the arrival marks right. */
  #take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf.copyWithin(0, n, this.#len);
    this.#len -= n;
    const marks = this.#marks;
    let drop = 0;
    while (drop + 1 < marks.length && marks[drop + 1].start <= n) drop++;
    this.#marks = this.#len === 0 ? [] : marks.slice(drop).map((m) => ({
      start: Math.max(0, m.start - n),
      at: m.at,
    }));
    return out;
  }
}
