/**
 * The little the programs need from their runtime, for Deno and for Bun (and so for the
 * binaries `bun build --compile` makes): the standard streams, files, signals, exit and an
 * HTTP server. node: built-ins serve where both runtimes agree; where they differ, Deno is
 * used when present and Bun otherwise, reached through globalThis so this file type-checks
 * under Deno.
 */
import { concatBytes } from "../bytes.ts";
import process from "node:process";
import { isatty } from "node:tty";
import { fdStdoutSink } from "./fd_sink.ts";

/** Bun's members used here (Bun's types are not visible to Deno's checker). */
interface BunFile {
  stream(): ReadableStream<Uint8Array>;
}
interface BunServer {
  readonly port: number;
  readonly hostname: string;
  stop(closeActive?: boolean): void | Promise<void>;
}
interface BunApi {
  readonly stdin: BunFile;
  readonly stdout: BunFile;
  file(path: string): BunFile;
  serve(o: {
    hostname: string;
    port: number;
    fetch: (req: Request) => Response | Promise<Response>;
  }): BunServer;
}

const deno = (globalThis as { Deno?: typeof Deno }).Deno;
const bun = (globalThis as { Bun?: BunApi }).Bun;

/** "deno", "bun", or "other". */
export const runtimeName: "deno" | "bun" | "other" = deno ? "deno" : bun ? "bun" : "other";

/** The program's arguments (without the runtime and the script). */
export function programArgs(): string[] {
  return deno ? [...deno.args] : process.argv.slice(2);
}

/** An environment variable, or undefined. */
export function env(name: string): string | undefined {
  return process.env[name];
}

/** Writes text to stderr. */
export function writeStderr(text: string): void {
  process.stderr.write(text);
}

/** True when stderr is a terminal. */
export function stderrIsTerminal(): boolean {
  return isatty(2);
}

/** True when stdin is a terminal (nothing is piped in). */
export function stdinIsTerminal(): boolean {
  return isatty(0);
}

/** Ends the process. */
export function exit(code: number): never {
  process.exit(code);
}

/** Calls `handler` on Ctrl-C or SIGTERM (SIGTERM where the platform has it). */
export function onStopSignal(handler: (signal: string) => void): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    try {
      process.on(sig, () => handler(sig));
    } catch { /* Windows has no SIGTERM listener */ }
  }
}

/** Standard input as a stream of byte chunks. */
export function stdinStream(): ReadableStream<Uint8Array> {
  if (deno) return deno.stdin.readable;
  if (bun) return bun.stdin.stream();
  throw new TypeError("no stdin on this runtime");
}

/** A file (or FIFO) as a stream of byte chunks. Rejects when it cannot be opened. */
export async function fileStream(path: string): Promise<ReadableStream<Uint8Array>> {
  if (deno) return (await deno.open(path, { read: true })).readable;
  if (bun) {
    const { openSync, closeSync } = await import("node:fs");
    closeSync(openSync(path, "r")); // fail now, with the OS's reason, not mid-stream
    return bun.file(path).stream();
  }
  throw new TypeError("no files on this runtime");
}

/**
 * Where a byte stream goes: writes are queued and written in order without blocking the
 * caller; `closed` resolves (with the reason) when the reader went away (EPIPE) or a write
 * failed, after which writes are dropped.
 */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  /** Bytes waiting to be written. */
  readonly queuedBytes: number;
  /** Resolves when the sink can take no more (the reader closed it, or an error). */
  readonly closed: Promise<string>;
  /** Writes out what is queued, then closes. */
  close(): Promise<void>;
}

type ChunkWriter = { write(b: Uint8Array): Promise<void>; end(): Promise<void> };

function queueSink(open: () => Promise<ChunkWriter>): ByteSink {
  const queue: Uint8Array[] = [];
  let queued = 0, pumping = false, dead = false;
  let writer: Promise<ChunkWriter> | undefined;
  let markClosed: (why: string) => void = () => {};
  const closed = new Promise<string>((r) => (markClosed = r));
  let idle: () => void = () => {};
  let drained = Promise.resolve();
  const fail = (e: unknown) => {
    dead = true;
    queue.length = 0;
    queued = 0;
    const code = (e as { code?: string })?.code;
    markClosed(code === "EPIPE" || (e as Error)?.name === "BrokenPipe" ? "EPIPE" : String(e));
  };
  const pump = async () => {
    pumping = true;
    drained = new Promise((r) => (idle = r));
    try {
      const w = await (writer ??= open());
      while (queue.length > 0 && !dead) {
        // One write for everything queued: fewer syscalls when the reader is slow.
        const parts = queue.splice(0);
        const n = parts.reduce((s, p) => s + p.length, 0);
        await w.write(parts.length === 1 ? parts[0] : concatBytes(parts));
        queued -= n;
      }
    } catch (e) {
      fail(e);
    } finally {
      pumping = false;
      idle();
    }
  };
  return {
    write(bytes) {
      if (dead) return;
      queue.push(bytes);
      queued += bytes.length;
      if (!pumping) void pump();
    },
    get queuedBytes() {
      return queued;
    },
    closed,
    async close() {
      await drained;
      if (dead) return;
      dead = true;
      try {
        await (await (writer ??= open())).end();
      } catch { /* closing a broken pipe */ }
      markClosed("closed");
    },
  };
}

function denoWriter(w: WritableStream<Uint8Array>, closeIt: boolean): ChunkWriter {
  const writer = w.getWriter();
  return {
    write: (b) => writer.write(b),
    end: async () => {
      if (closeIt) await writer.close();
      else writer.releaseLock();
    },
  };
}

// Under Bun, output goes through node:process and node:fs: Bun's FileSink kept throwing
// EPIPE from inside flush() without ever settling, so a quitting player hung the peer.
function nodeStdoutWriter(): ChunkWriter {
  return {
    write: (b) =>
      new Promise<void>((resolve, reject) => {
        process.stdout.write(b, (e) => (e ? reject(e) : resolve()));
      }),
    end: () => Promise.resolve(),
  };
}

async function nodeFileWriter(path: string): Promise<ChunkWriter> {
  const { open } = await import("node:fs/promises");
  const fh = await open(path, "w");
  return {
    write: async (b) => {
      for (let o = 0; o < b.length;) o += (await fh.write(b, o, b.length - o)).bytesWritten;
    },
    end: () => fh.close(),
  };
}

/** Standard output as a {@link ByteSink}. */
export function stdoutSink(): ByteSink {
  // Through libc where it can (fd_sink.ts: an async write op per chunk cost 75 µs of CPU).
  if (deno) {
    return fdStdoutSink() ??
      queueSink(() => Promise.resolve(denoWriter(deno.stdout.writable, false)));
  }
  if (bun) {
    // A reader that went away shows up as an "error" event too; the write callback carries it.
    process.stdout.on("error", () => {});
    return queueSink(() => Promise.resolve(nodeStdoutWriter()));
  }
  throw new TypeError("no stdout on this runtime");
}

/**
 * A file (created or truncated) as a {@link ByteSink}. Opened now, so a path that cannot be
 * written rejects (with the OS's reason) before anything else happens, not at the first write.
 */
export async function fileSink(path: string): Promise<ByteSink> {
  let writer: ChunkWriter;
  if (deno) {
    const f = await deno.open(path, { write: true, create: true, truncate: true });
    writer = denoWriter(f.writable, true);
  } else if (bun) writer = await nodeFileWriter(path);
  else throw new TypeError("no files on this runtime");
  return queueSink(() => Promise.resolve(writer));
}

/** A running HTTP server. */
export interface HttpServer {
  /** The bound address, "host:port". */
  readonly addr: string;
  close(): Promise<void>;
}

/** Serves `handler` on `hostname:port` (port 0: any free port). */
export async function serveHttp(
  hostname: string,
  port: number,
  handler: (req: Request) => Response | Promise<Response>,
): Promise<HttpServer> {
  if (deno) {
    let bound = "";
    let closeIt = () => Promise.resolve();
    const ready = new Promise<void>((resolve) => {
      const server = deno.serve({
        hostname,
        port,
        onListen: (a) => {
          bound = `${a.hostname}:${a.port}`;
          resolve();
        },
      }, handler);
      closeIt = () => server.shutdown();
    });
    await ready;
    return { addr: bound, close: () => closeIt() };
  }
  if (bun) {
    const server = bun.serve({ hostname, port, fetch: handler });
    return {
      addr: `${hostname}:${server.port}`,
      close: async () => {
        await server.stop(true);
      },
    };
  }
  throw new TypeError("no HTTP server on this runtime");
}
