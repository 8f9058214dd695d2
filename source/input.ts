/**
 * The source's input. It is opened before the channel is registered, so a wrong `--input`
 * fails at once with one line and nothing on stdout; and its first bytes are looked at once,
 * to warn about input that is not MPEG-TS (it is still carried, as bytes).
 */
import { accessSync, constants, statSync } from "node:fs";
import { fileStream, stdinStream } from "../lib/net/runtime.ts";
import { mpegTsSync, TS_PACKET } from "../lib/source/cutter.ts";
import { fsReason } from "../lib/net/fs_reason.ts";

/** Gives the input's byte stream (a FIFO is opened only then: see {@link openInput}). */
export type InputOpener = () => Promise<ReadableStream<Uint8Array>>;

/**
 * Checks and opens `--input` (`-`: stdin); an Error says why it cannot be read. A FIFO is
 * only checked here: opening one waits for its writer, and the announce URL should not (a
 * script may start its encoder once the URL is out).
 */
export async function openInput(path: string): Promise<InputOpener | Error> {
  if (path === "-") {
    const stdin = stdinStream();
    return () => Promise.resolve(stdin);
  }
  const fail = (why: string) => new Error(`cannot read --input ${path}: ${why}`);
  try {
    const info = statSync(path);
    // Opening a directory succeeds on Linux; only the first read fails.
    if (info.isDirectory()) return fail("it is a directory");
    if (info.isFIFO()) {
      accessSync(path, constants.R_OK);
      return () => fileStream(path);
    }
    const stream = await fileStream(path);
    return () => Promise.resolve(stream);
  } catch (e) {
    return fail(fsReason(e));
  }
}

/** Packets at the input's start that must begin with the sync byte to count as MPEG-TS. */
const SNIFF_PACKETS = 5;

/**
 * Watches the input's bytes: counts them, and decides once, from the first
 * {@link SNIFF_PACKETS} packets' worth (or all there is, if less), whether it looks like
 * MPEG-TS. Sans-IO: the caller prints what it returns.
 */
export class InputSniffer {
  /** Bytes seen. */
  bytes = 0;
  #head = new Uint8Array(SNIFF_PACKETS * TS_PACKET);
  #decided = false;

  /** Takes a chunk of input; returns the warning the first time the start is not MPEG-TS. */
  take(chunk: Uint8Array): string | undefined {
    if (!this.#decided && this.bytes < this.#head.length) {
      this.#head.set(chunk.subarray(0, this.#head.length - this.bytes), this.bytes);
    }
    this.bytes += chunk.length;
    return this.bytes >= this.#head.length ? this.#decide() : undefined;
  }

  /** The input ended: the warning, if what little came was not looked at yet and is not TS. */
  end(): string | undefined {
    return this.bytes > 0 ? this.#decide() : undefined;
  }

  #decide(): string | undefined {
    if (this.#decided) return undefined;
    this.#decided = true;
    const head = this.#head.subarray(0, Math.min(this.bytes, this.#head.length));
    if (mpegTsSync(head)) return undefined;
    return "warning: the input does not look like MPEG-TS (no 0x47 sync byte at each " +
      `${TS_PACKET}-byte packet start in its first ${head.length} bytes); ` +
      "viewers may not be able to play it";
  }
}
