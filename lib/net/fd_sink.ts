/**
 * Standard output written with libc's write() on a descriptor that never blocks, for Deno on
 * Linux where FFI is granted (the programs run with -A); runtime.ts's stdoutSink uses it
 * there when stdout is a pipe, a FIFO, a character device that is no terminal (/dev/null) or
 * a regular file, and its portable sink everywhere else.
 *
 * Why: Deno writes stdout through an async op that hands every write to a blocking thread,
 * and that thread's answer wakes the process once more. A peer writes the stream out some 30
 * times a second, and each write cost about 75 µs of CPU that way against 15 written
 * directly (bench/README.md), some 0.3 % of a core at 4 Mbit/s.
 *
 * How it stays non-blocking: a pipe's own descriptor is shared with the shell and the player,
 * so its flags are not touched; /proc/self/fd/1 is opened anew instead, which for a pipe, a
 * FIFO or a device gives a description of its own, opened O_NONBLOCK. A write the pipe cannot
 * take whole (the player reads slower than the stream comes) leaves the rest queued for the
 * next point of the socket's wake grid (wake_grid.ts: no wake-up of its own while datagrams
 * flow). A regular file is written on descriptor 1 itself (its offset is the shell's, as
 * `>>` needs), where writes do not wait for a reader. Everything written in one turn of the
 * event loop leaves in one write() call.
 */
import { denoFfi, openLibrary } from "./ffi.ts";
import { DEFAULT_BATCH_MS } from "./linux_udp.ts";
import type { ByteSink } from "./runtime.ts";
import { sharedGrid } from "./wake_grid.ts";

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

// Linux's constants, the same on x86_64 and aarch64 (the only architectures taken).
const O_WRONLY = 1;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const EINTR = 4;
const EAGAIN = 11;
const EPIPE = 32;

/** What stdout is, as far as the choice of writer goes. */
export type StdoutKind = "pipe" | "file" | "other";

/** Sorts a stat of stdout: FIFOs and devices other than terminals are reopened as "pipe". */
export function stdoutKind(
  info: { isFile: boolean; isFifo: boolean | null; isCharDevice: boolean | null },
  terminal: boolean,
): StdoutKind {
  if (terminal) return "other";
  if (info.isFifo || info.isCharDevice) return "pipe";
  return info.isFile ? "file" : "other";
}

/**
 * A sink on stdout through libc (see the module), or undefined where this runtime, platform
 * or kind of stdout is not one it serves: the caller then keeps its portable sink.
 */
export function fdStdoutSink(): ByteSink | undefined {
  const d = denoFfi();
  if (!d || (d.build.arch !== "x86_64" && d.build.arch !== "aarch64")) return undefined;
  let kind: StdoutKind;
  try {
    kind = stdoutKind(d.statSync("/proc/self/fd/1"), d.stdout.isTerminal());
  } catch {
    return undefined;
  }
  if (kind === "other") return undefined;
  const libc = openLibrary(d, "libc.so.6", SYMBOLS)?.symbols;
  if (!libc) return undefined;
  const at = libc.__errno_location();
  if (!at) return undefined;
  const errno = new d.UnsafePointerView(at);
  if (kind === "file") return new FdSink(libc, errno, 1, false);
  const path = new TextEncoder().encode("/proc/self/fd/1\0");
  const fd = libc.open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  // ENXIO: a FIFO whose reader is gone already; the portable sink reports that as usual.
  return fd < 0 ? undefined : new FdSink(libc, errno, fd, true);
}

/** Writes to a descriptor; see the module. */
class FdSink implements ByteSink {
  readonly closed: Promise<string>;
  readonly #libc: Libc;
  readonly #errno: Deno.UnsafePointerView;
  readonly #fd: number;
  readonly #owned: boolean;
  #markClosed: (why: string) => void = () => {};
  /** Bytes waiting: [#start, #end) of #buf. */
  #buf = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;
  #flushQueued = false;
  #cancelRetry: (() => void) | undefined;
  #dead = false;
  #drained: (() => void)[] = [];

  /** Writes to `fd`; closes it at the end when `owned`. */
  constructor(libc: Libc, errno: Deno.UnsafePointerView, fd: number, owned: boolean) {
    this.#libc = libc;
    this.#errno = errno;
    this.#fd = fd;
    this.#owned = owned;
    this.closed = new Promise((r) => (this.#markClosed = r));
  }

  get queuedBytes(): number {
    return this.#end - this.#start;
  }

  write(bytes: Uint8Array): void {
    if (this.#dead || bytes.length === 0) return;
    this.#append(bytes);
    if (this.#flushQueued || this.#cancelRetry) return;
    // Everything written in this turn of the event loop leaves in one call.
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      this.#flush();
    });
  }

  async close(): Promise<void> {
    if (this.#dead) return;
    this.#flush();
    while (this.#end > this.#start && !this.#dead) {
      await new Promise<void>((r) => this.#drained.push(r));
    }
    if (this.#dead) return;
    this.#dead = true;
    if (this.#owned) this.#libc.close(this.#fd);
    this.#markClosed("closed");
  }

  #append(bytes: Uint8Array): void {
    const n = bytes.length, queued = this.#end - this.#start;
    if (this.#end + n > this.#buf.length) {
      if (queued + n <= this.#buf.length >> 1) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        // A reader slower than the stream: the backlog grows, as the portable sink's queue.
        let size = this.#buf.length * 2;
        while (size < 2 * (queued + n)) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = grown;
      }
      this.#start = 0;
      this.#end = queued;
    }
    this.#buf.set(bytes, this.#end);
    this.#end += n;
  }

  #flush(): void {
    this.#cancelRetry = undefined;
    while (this.#end > this.#start && !this.#dead) {
      const len = this.#end - this.#start;
      const r = Number(
        this.#libc.write(this.#fd, this.#buf.subarray(this.#start, this.#end), BigInt(len)),
      );
      if (r > 0) {
        this.#start += r;
        continue;
      }
      const e = r < 0 ? this.#errno.getInt32() : EAGAIN;
      if (e === EINTR) continue;
      if (e === EAGAIN) {
        this.#cancelRetry = sharedGrid(DEFAULT_BATCH_MS).schedule(() => this.#flush(), 1);
        return;
      }
      return this.#fail(e === EPIPE ? "EPIPE" : `write to stdout failed: errno ${e}`);
    }
    this.#start = this.#end = 0;
    for (const r of this.#drained.splice(0)) r();
  }

  #fail(why: string): void {
    this.#dead = true;
    this.#start = this.#end = 0;
    if (this.#owned) this.#libc.close(this.#fd);
    this.#markClosed(why);
    for (const r of this.#drained.splice(0)) r();
  }
}
