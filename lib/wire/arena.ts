/**
 * Byte ranges carved from large shared buffers. Every datagram received or sent used to be
 * an ArrayBuffer of its own, and at thousands of datagrams a second their allocation and
 * collection (malloc, V8's external-memory accounting, the sweeper thread) cost more than the
 * copy itself. An arena hands out views of one chunk until it is used up, then starts a new
 * one; a range is never handed out twice, so each view belongs to whoever took it, and a
 * chunk is freed once none of its views is alive.
 */

/** Hands out fresh, never-shared byte ranges of `chunkBytes`-sized buffers. */
export class ByteArena {
  readonly #chunkBytes: number;
  #chunk: Uint8Array;
  #off = 0;

  /** An arena of chunks of `chunkBytes` (64 KB: about 50 full datagrams). */
  constructor(chunkBytes = 64 * 1024) {
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new RangeError("bad chunk size");
    this.#chunkBytes = chunkBytes;
    this.#chunk = new Uint8Array(chunkBytes);
  }

  /**
   * Makes room for up to `max` bytes at `offset` of `chunk`, to be written and then kept
   * with `commit` or `keep`. Until then the room is not taken: the next `reserve`, `room`
   * or `take` hands out the same bytes.
   */
  reserve(max: number): void {
    if (this.#off + max > this.#chunk.length) {
      this.#chunk = new Uint8Array(Math.max(this.#chunkBytes, max));
      this.#off = 0;
    }
  }

  /** The current chunk (write only inside the room `reserve` made). */
  get chunk(): Uint8Array {
    return this.#chunk;
  }

  /** Where the room `reserve` made starts in `chunk`. */
  get offset(): number {
    return this.#off;
  }

  /** `reserve(max)`, and a view of the room. */
  room(max: number): Uint8Array {
    this.reserve(max);
    return new Uint8Array(this.#chunk.buffer, this.#off, max);
  }

  /** Keeps the first `used` bytes of the room (used <= its size) and returns them. */
  commit(used: number): Uint8Array {
    const out = new Uint8Array(this.#chunk.buffer, this.#off, used);
    this.#off += used;
    return out;
  }

  /** Keeps the first `used` bytes of the room, for a caller that has a view of them. */
  keep(used: number): void {
    this.#off += used;
  }

  /** `n` fresh bytes (zeroed only if never written: callers fill them). */
  take(n: number): Uint8Array {
    this.reserve(n);
    return this.commit(n);
  }
}
