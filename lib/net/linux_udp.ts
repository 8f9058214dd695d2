/**
 * A UDP transport of its own for Linux, under Deno or Bun: a non-blocking socket driven
 * through FFI to libc (libc.ts), read in batches with recvmmsg and written in batches with
 * sendmmsg.
 *
 * Why: at a peer's rates (about a thousand datagrams a second) what a datagram costs is
 * mostly the process waking up for it, not the datagram (bench/README.md: on the benchmark
 * machine an empty Deno timer firing costs 50-120 µs of CPU, and Deno.listenDatagram wakes
 * the process for every datagram or two, since its socket sits in the runtime's epoll and
 * every arrival wakes it). This socket is not in the runtime's epoll. While datagrams flow
 * it is drained at every point of a grid `batchMs` apart (`steadyBatchMs` once the program
 * says it is steady: a peer that plays), all that arrived in one recvmmsg call per 64,
 * and everything sent in one turn of the event loop leaves in one sendmmsg call. When a
 * drain finds nothing the socket is idle: a worker thread waits in poll() (an FFI call
 * marked nonblocking, one promise per idle spell) and the first datagram after it is read
 * at once. So a datagram waits at most `batchMs` in the socket while traffic flows; an
 * isolated one (a ping, a first request) not at all under Deno, up to `batchMs` under Bun,
 * which has no FFI calls off its main thread (the idle socket is drained on the grid).
 *
 * Only numeric addresses: a send to a host name is counted as failed (the programs only
 * send to the addresses the tracker and their peers gave, which are numeric). Used where
 * `linuxUdpAvailable()` holds (x86_64 or aarch64 Linux, under Deno with FFI granted or
 * under Bun); udp.ts picks it, the runtime's own socket everywhere else.
 */
import { clearImmediate, setImmediate } from "node:timers";
import { ByteArena } from "../wire/arena.ts";
import type { Addr } from "../wire/messages.ts";
import { type Libc, type LibcBinding, loadLibc } from "./libc.ts";
import { sharedGrid, type WakeGrid } from "./wake_grid.ts";
import {
  BATCH,
  H_NAMELEN,
  IOVEC,
  type MessageRing,
  messageRing,
  MMSGHDR,
  MSG_DONTWAIT,
  NAME,
  RecvRing,
  SLOT,
} from "./mmsg.ts";
import {
  AF_INET,
  AF_INET6,
  readSockaddr,
  SOCKADDR_IN6,
  writeHostSockaddr,
  writeSockaddr,
} from "./sockaddr.ts";
import {
  type BindOptions,
  newStats,
  type ReceiveHandler,
  type Transport,
  type TransportStats,
} from "./transport.ts";

/** Options of {@link openLinuxUdp}. */
export interface LinuxUdpOptions extends BindOptions {
  /**
   * Most ms a datagram waits in the socket while traffic flows (default
   * {@link DEFAULT_BATCH_MS}); 0 drains on every turn of the event loop (`setImmediate`).
   */
  readonly batchMs?: number;
  /**
   * Most ms a datagram waits while the socket is steady (`setSteady(true)`: a peer that plays,
   * peer/session.ts); default {@link DEFAULT_STEADY_BATCH_MS}, at least `batchMs`.
   */
  readonly steadyBatchMs?: number;
}

/** The default `batchMs`. */
export const DEFAULT_BATCH_MS = 20;
/**
 * The default `steadyBatchMs`. A drain at every point of a 40 ms grid, with the driver's timer
 * on the same points, costs a peer at 4 Mbit/s 0.6 points of a core less than the drains of a
 * 20 ms grid did before run G (bench/README.md), which came every 40 ms too (see `#tick`).
 */
export const DEFAULT_STEADY_BATCH_MS = 40;

// Linux's constants, the same on x86_64 and aarch64 (the only architectures taken).
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_SNDBUF = 7;
const SO_RCVBUF = 8;
/** getsockopt(SO_MEMINFO): the socket's memory counters, u32 each (linux/sock_diag.h). */
const SO_MEMINFO = 55;
/** Of those, the datagrams dropped at the socket (a full receive buffer, mostly). */
const SK_MEMINFO_DROPS = 8;
const SK_MEMINFO_VARS = 9;
const POLLIN = 1;
const EINTR = 4;
const EAGAIN = 11;
const ENOBUFS = 105;

/** Datagrams waiting to be sent at most (beyond: counted as failed). */
const SEND_QUEUE = 1024;
/** Most datagrams handed to the handler per drain before the event loop gets a turn. */
const DRAIN_MAX = 1024;
/** Socket buffers asked for, as deno_udp.ts and node_udp.ts. */
const SOCKET_BUFFER_ASK = 4 * 1024 * 1024;
/** Senders' addresses remembered as strings, at most (then forgotten). */
const NAMES_MAX = 4096;

/** bind()'s errors that a user can act on: code and words. */
const BIND_ERRORS: Record<number, [string, string]> = {
  13: ["EACCES", "permission denied"],
  22: ["EINVAL", "invalid address"],
  97: ["EAFNOSUPPORT", "address family not supported"],
  98: ["EADDRINUSE", "address already in use"],
  99: ["EADDRNOTAVAIL", "address not available on this machine"],
};

/** True when this runtime can open a {@link openLinuxUdp} socket. */
export function linuxUdpAvailable(): boolean {
  return loadLibc() !== null;
}

/**
 * Binds a UDP socket through libc. Rejects when the address cannot be bound (or is no
 * numeric address); throws TypeError where {@link linuxUdpAvailable} is false.
 */
export function openLinuxUdp(options: LinuxUdpOptions = {}): Promise<Transport> {
  const c = loadLibc();
  if (!c) {
    throw new TypeError("the Linux FFI UDP transport needs Linux, and Bun or Deno with FFI");
  }
  const host = options.hostname ?? "0.0.0.0";
  const family = host.includes(":") ? AF_INET6 : AF_INET;
  const port = options.port ?? 0;
  const bound = `${family === AF_INET6 ? `[${host}]` : host}:${port}`;
  const sa = new Uint8Array(new ArrayBuffer(SOCKADDR_IN6));
  const saLen = Number.isInteger(port) && port >= 0 && port <= 65535
    ? writeHostSockaddr(host, port, family, sa)
    : 0;
  if (saLen === 0) return Promise.reject(new TypeError(`not a numeric address to bind: ${bound}`));
  const { libc, errno } = c;
  const fd = libc.socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Promise.reject(new Error(`socket() failed: errno ${errno()}`));
  if (libc.bind(fd, sa, saLen) !== 0) {
    const e = errno();
    libc.close(fd);
    const [code, text] = BIND_ERRORS[e] ?? [`E${e}`, `errno ${e}`];
    const err = new Error(`${text} (${code})`) as Error & { code?: string };
    err.code = code;
    return Promise.reject(err);
  }
  const wake = libc.eventfd(0, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (wake < 0) {
    libc.close(fd);
    return Promise.reject(new Error(`eventfd() failed: errno ${errno()}`));
  }
  const len = new Uint32Array([SOCKADDR_IN6]);
  libc.getsockname(fd, sa, new Uint8Array(len.buffer));
  const local = readSockaddr(new DataView(sa.buffer), 0)!;
  const batchMs = options.batchMs ?? DEFAULT_BATCH_MS;
  const steadyMs = Math.max(batchMs, options.steadyBatchMs ?? DEFAULT_STEADY_BATCH_MS);
  return Promise.resolve(new LinuxUdp(c, fd, wake, family, local, batchMs, steadyMs));
}

class LinuxUdp implements Transport {
  readonly local: Addr;
  readonly stats: TransportStats = newStats();
  /** Bytes of socket receive buffer granted. */
  readonly recvBufferBytes: number;
  /** `send` copies the bytes into its ring (or sends them) before it returns. */
  readonly copiesOnSend = true;
  /** Times the process woke to drain the socket (timer or poll), for the benchmarks. */
  drains = 0;
  readonly #libc: Libc;
  readonly #errno: () => number;
  readonly #pollOffThread: LibcBinding["pollOffThread"];
  readonly #fd: number;
  readonly #wake: number;
  readonly #family: number;
  readonly batchMs: number;
  /** `batchMs` while steady (`setSteady`). */
  readonly #steadyMs: number;
  readonly #grid: WakeGrid | undefined;
  readonly #rx: RecvRing;
  readonly #tx: MessageRing;
  readonly #arena = new ByteArena();
  /** Destinations' sockaddrs (length 0: not one this socket can reach). */
  readonly #dests = new Map<Addr, Uint8Array>();
  /** pollfd[2]: the socket, and the eventfd close() writes to. */
  readonly #pollfds = new Uint8Array(new ArrayBuffer(16));
  #handler: ReceiveHandler | undefined;
  #closed = false;
  /** Cancels the drain waiting on a timer, if one is. */
  #cancelDrain: (() => void) | undefined;
  #polling: Promise<unknown> | undefined;
  /** Queued sends: [#txStart, #txEnd) of the send ring. */
  #txStart = 0;
  #txEnd = 0;
  #flushQueued = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** A drain reading this many datagrams is followed at once by the next. */
  readonly #eager: number;
  /** SO_MEMINFO's answer and its length, read after each batch read (#countOverflow). */
  readonly #meminfo = new Uint32Array(SK_MEMINFO_VARS);
  readonly #meminfoBytes = new Uint8Array(this.#meminfo.buffer);
  readonly #meminfoLen = new Uint32Array(1);
  readonly #meminfoLenBytes = new Uint8Array(this.#meminfoLen.buffer);
  /** The kernel's drop count when last read. */
  #dropsSeen = 0;

  constructor(
    c: LibcBinding,
    fd: number,
    wake: number,
    family: number,
    local: Addr,
    batchMs: number,
    steadyMs: number,
  ) {
    this.#libc = c.libc;
    this.#errno = c.errno;
    this.#pollOffThread = c.pollOffThread;
    this.#rx = new RecvRing(c.addressOf);
    this.#tx = messageRing(SEND_QUEUE, SLOT, c.addressOf);
    this.#fd = fd;
    this.#wake = wake;
    this.#family = family;
    this.local = local;
    this.batchMs = Math.max(0, Math.round(batchMs));
    this.#steadyMs = Math.max(this.batchMs, Math.round(steadyMs));
    // Drains on the grid the driver's timer uses too (wake_grid.ts): one wake-up for both.
    this.#grid = this.batchMs > 0 ? sharedGrid(this.batchMs) : undefined;
    const v = new Uint8Array(new Int32Array([SOCKET_BUFFER_ASK]).buffer);
    this.#libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, v, 4);
    this.#libc.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, v, 4);
    const got = new Int32Array(1), len = new Uint32Array([4]);
    this.#libc.getsockopt(
      fd,
      SOL_SOCKET,
      SO_RCVBUF,
      new Uint8Array(got.buffer),
      new Uint8Array(len.buffer),
    );
    this.recvBufferBytes = got[0];
    // A quarter of the buffer, counting 2,304 bytes a full datagram takes in it (its skb).
    this.#eager = Math.max(8, Math.min(BATCH, Math.floor(got[0] / 4 / 2304)));
    const pv = new DataView(this.#pollfds.buffer);
    pv.setInt32(0, fd, true);
    pv.setInt16(4, POLLIN, true);
    pv.setInt32(8, wake, true);
    pv.setInt16(12, POLLIN, true);
    this.#idle();
  }

  send(to: Addr, bytes: Uint8Array): void {
    if (this.#closed) throw new TypeError("transport closed");
    let sa = this.#dests.get(to);
    if (sa === undefined) {
      const room = new Uint8Array(SOCKADDR_IN6);
      sa = room.subarray(0, writeSockaddr(to, this.#family, room));
      if (this.#dests.size >= NAMES_MAX) this.#dests.clear();
      this.#dests.set(to, sa);
    }
    if (sa.length === 0 || bytes.length > 65507) {
      this.stats.sendFailed++;
      return;
    }
    if (bytes.length > SLOT) return this.#sendLarge(sa, bytes);
    if (this.#txEnd === SEND_QUEUE) this.#compact();
    if (this.#txEnd === SEND_QUEUE) {
      this.stats.sendFailed++; // the socket has not taken a whole queue: UDP drops
      return;
    }
    const i = this.#txEnd++;
    const tx = this.#tx;
    tx.data.set(bytes, i * SLOT);
    tx.iv.setUint32(i * IOVEC + 8, bytes.length, true);
    tx.names.set(sa, i * NAME);
    tx.hv.setUint32(i * MMSGHDR + H_NAMELEN, sa.length, true);
    if (this.#txEnd - this.#txStart >= BATCH) this.#flush();
    else if (!this.#flushQueued && this.#retry === undefined) {
      // Everything sent in this turn of the event loop leaves in one call.
      this.#flushQueued = true;
      queueMicrotask(() => {
        this.#flushQueued = false;
        this.#flush();
      });
    }
  }

  onReceive(handler: ReceiveHandler): void {
    this.#handler = handler;
  }

  /**
   * Steady: drains every `steadyBatchMs` instead of `batchMs` from the next drain on. The
   * grid's spacing changes with it, so the driver's timer and the stdout sink, on the same
   * grid (wake_grid.ts), keep waking the process together with the drains.
   */
  setSteady(steady: boolean): void {
    this.#grid?.setSpacing(steady ? this.#steadyMs : this.batchMs);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#cancelDrain?.();
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#cancelDrain = this.#retry = undefined;
    // Wake the worker thread out of poll() (if one waits there) before the descriptors go.
    this.#libc.write(this.#wake, new Uint8Array(new BigUint64Array([1n]).buffer), 8n);
    await this.#polling;
    this.#libc.close(this.#fd);
    this.#libc.close(this.#wake);
  }

  /**
   * Waits, on a worker thread, for the socket to become readable. Where the runtime cannot
   * call poll() off its main thread (Bun), the idle socket is drained at the next grid point
   * instead: an isolated datagram then waits up to `batchMs` (25-50 wake-ups a second while
   * nothing comes, shared with the driver's timer on the same points).
   */
  #idle(): void {
    if (this.#closed) return;
    if (!this.#pollOffThread) return this.#drainIn(1);
    const p = this.#pollOffThread(this.#pollfds, 2n, -1);
    this.#polling = p;
    p.then((r) => {
      this.#polling = undefined;
      if (this.#closed) return;
      if (r < 0) {
        // EINTR, or worse: try again after a moment rather than spin.
        this.#drainIn(1);
        return;
      }
      this.#tick();
    });
  }

  /**
   * Drains the socket; drains again at the next grid point (`batchMs` later), or goes idle
   * after an empty drain.
   */
  #tick(): void {
    this.#cancelDrain = undefined;
    if (this.#closed) return;
    this.drains++;
    const got = this.#drain();
    if (this.#closed) return;
    if (got === 0) return this.#idle();
    // Much at once: the socket's buffer could fill before the next grid point (with
    // Linux's default buffer, 208 KB, about 90 full datagrams): drain again at once.
    // Otherwise at the next grid point: asked for at least 1 ms from now, not `batchMs` from
    // now, which from a few ms past this point (the drain's own work) skipped the next one:
    // until run G (bench/README.md) a drain came every 40 ms at a `batchMs` of 20, and the
    // driver's timer woke the process at the points in between.
    this.#drainIn(got >= this.#eager || !this.#grid ? 0 : 1);
  }

  /**
   * Drains again in `ms` (on the grid when there is one); at 0, as soon as the event loop has
   * had its turn. Not by `setTimeout(fn, 0)`, which fires 1-2 ms later (2.2 ms under Deno, 1.1
   * under Bun on the benchmark machine) and could leave a busy socket undrained that long;
   * `setImmediate` comes back in microseconds, timers and I/O served in between. (No change in
   * the relay benchmark's capacity could be told from the noise: bench/README.md, session 31.)
   */
  #drainIn(ms: number): void {
    const tick = () => this.#tick();
    if (this.#grid && ms > 0) this.#cancelDrain = this.#grid.schedule(tick, ms);
    else if (ms <= 0) {
      const t = setImmediate(tick);
      this.#cancelDrain = () => clearImmediate(t);
    } else {
      const t = setTimeout(tick, ms);
      this.#cancelDrain = () => clearTimeout(t);
    }
  }

  /** Reads what the socket holds (up to DRAIN_MAX) and hands it on; returns how many. */
  #drain(): number {
    const rx = this.#rx, libc = this.#libc;
    let total = 0;
    while (total < DRAIN_MAX && !this.#closed) {
      const n = rx.read(libc.recvmmsg, this.#fd);
      if (n <= 0) {
        if (n < 0 && this.#errno() === EINTR) continue;
        break; // EAGAIN: nothing more; anything else is transient for UDP
      }
      this.#countOverflow();
      for (let i = 0; i < n && !this.#closed; i++) this.#deliver(i);
      total += n;
      if (n < BATCH) break;
    }
    return total;
  }

  /**
   * Adds to `stats.receiveOverflow` the datagrams the kernel dropped at this socket since the
   * last look: read after each batch and before it is handed on, so that the gaps a receiver
   * sees in it are known to be this machine's own loss, if they are (the peer then does not
   * blame its upstreams for them, lib/peer/down_monitor.ts). One getsockopt per batch of up
   * to 64 datagrams; a kernel without SO_MEMINFO (before Linux 4.6) counts nothing.
   */
  #countOverflow(): void {
    this.#meminfoLen[0] = SK_MEMINFO_VARS * 4;
    const r = this.#libc.getsockopt(
      this.#fd,
      SOL_SOCKET,
      SO_MEMINFO,
      this.#meminfoBytes,
      this.#meminfoLenBytes,
    );
    if (r !== 0 || this.#meminfoLen[0] < (SK_MEMINFO_DROPS + 1) * 4) return;
    const drops = this.#meminfo[SK_MEMINFO_DROPS];
    // A u32 in the kernel: the difference modulo 2^32.
    this.stats.receiveOverflow += (drops - this.#dropsSeen) >>> 0;
    this.#dropsSeen = drops;
  }

  #deliver(i: number): void {
    const handler = this.#handler;
    if (!handler) {
      this.stats.unhandled++;
      return;
    }
    const from = this.#rx.sender(i);
    if (from === undefined) return;
    // The receiver keeps its bytes: copied out of the ring into an arena (no ArrayBuffer
    // per datagram, as deno_udp.ts).
    const view = this.#rx.bytes(i), len = view.length;
    const bytes = this.#arena.take(len);
    bytes.set(view);
    this.stats.datagramsIn++;
    this.stats.bytesIn += len;
    try {
      handler(from, bytes);
    } catch (e) {
      // A handler bug must surface, but not kill the socket for every later datagram.
      queueMicrotask(() => {
        throw e;
      });
    }
  }

  /** Sends what is queued, in calls of up to BATCH; keeps the rest when the socket is full. */
  #flush(): void {
    while (this.#txStart < this.#txEnd && !this.#closed) {
      const start = this.#txStart;
      const count = Math.min(BATCH, this.#txEnd - start);
      const hdrs = this.#tx.hdrs.subarray(start * MMSGHDR);
      const r = this.#libc.sendmmsg(this.#fd, hdrs, count, MSG_DONTWAIT);
      if (r > 0) {
        this.#sent(start, r);
        this.#txStart += r;
        continue;
      }
      const e = this.#errno();
      if (e === EINTR) continue;
      if (e === EAGAIN || e === ENOBUFS) {
        // The socket's send buffer is full: try again in a moment, in order.
        this.#retry ??= setTimeout(() => {
          this.#retry = undefined;
          this.#flush();
        }, 1);
        return;
      }
      // This datagram cannot go (no route, refused, ...): count it and carry on.
      this.stats.sendFailed++;
      this.#txStart++;
    }
    if (this.#txStart === this.#txEnd) this.#txStart = this.#txEnd = 0;
  }

  #sent(start: number, count: number): void {
    const iv = this.#tx.iv;
    for (let i = start; i < start + count; i++) {
      this.stats.datagramsOut++;
      this.stats.bytesOut += iv.getUint32(i * IOVEC + 8, true);
    }
  }

  /** Moves the queued sends to the front of the ring. */
  #compact(): void {
    const s = this.#txStart, n = this.#txEnd - s;
    if (s === 0) return;
    const tx = this.#tx;
    tx.data.copyWithin(0, s * SLOT, (s + n) * SLOT);
    tx.names.copyWithin(0, s * NAME, (s + n) * NAME);
    for (let i = 0; i < n; i++) {
      tx.iv.setUint32(i * IOVEC + 8, tx.iv.getUint32((s + i) * IOVEC + 8, true), true);
      const nl = tx.hv.getUint32((s + i) * MMSGHDR + H_NAMELEN, true);
      tx.hv.setUint32(i * MMSGHDR + H_NAMELEN, nl, true);
    }
    this.#txStart = 0;
    this.#txEnd = n;
  }

  /** A datagram too long for a ring slot: one sendto of its own, after what is queued. */
  #sendLarge(sa: Uint8Array, bytes: Uint8Array): void {
    this.#flush();
    const r = this.#libc.sendto(this.#fd, bytes, BigInt(bytes.length), MSG_DONTWAIT, sa, sa.length);
    if (Number(r) === bytes.length) {
      this.stats.datagramsOut++;
      this.stats.bytesOut += bytes.length;
    } else this.stats.sendFailed++;
  }
}
