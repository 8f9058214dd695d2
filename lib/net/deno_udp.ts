/**
 * The Deno UDP adapter (Deno.listenDatagram; needs `--unstable-net`). Sends are fired
 * without awaiting each one (their failures are counted), and one receive loop hands every
 * datagram to the handler. Where FFI is permitted on Linux, the socket's buffers are raised
 * to 4 MB as node_udp.ts does (sock_buffer.ts); `recvBufferBytes` says what was granted; and
 * after each datagram the loop reads whatever else waits in batches (recv_batch.ts), without
 * an op per datagram.
 */
import { ByteArena } from "../wire/arena.ts";
import type { Addr } from "../wire/messages.ts";
import { formatAddr, parseAddrCached } from "./addr.ts";
import { BATCH, type BatchReceiver, openBatchReceiver } from "./recv_batch.ts";
import { growDenoUdpBuffers } from "./sock_buffer.ts";
import {
  type BindOptions,
  newStats,
  type ReceiveHandler,
  type Transport,
  type TransportStats,
} from "./transport.ts";

/** Bytes read per datagram: more than any valid one (1200), less than 64 KB. */
const RECEIVE_BUFFER = 2048;
/** Socket buffer asked for, as node_udp.ts's RECV_BUFFER_ASK: about 3,000 full datagrams. */
const SOCKET_BUFFER_ASK = 4 * 1024 * 1024;
/**
 * Most datagrams read in batches before the loop awaits Deno's next receive, which lets
 * timers and sends run in between.
 */
const BATCH_MAX = 256;

/** True when this runtime can open a Deno UDP socket. */
export function denoUdpAvailable(): boolean {
  const d = (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno;
  return typeof d?.listenDatagram === "function";
}

/** Options of the Deno adapter. */
export interface DenoUdpOptions extends BindOptions {
  /** Read waiting datagrams in batches where it can (recv_batch.ts); default true. */
  readonly batch?: boolean;
}

/** Binds a UDP socket with Deno.listenDatagram. Rejects if the address cannot be bound. */
export function openDenoUdp(options: DenoUdpOptions = {}): Promise<Transport> {
  if (!denoUdpAvailable()) {
    throw new TypeError("Deno.listenDatagram is unavailable (run Deno with --unstable-net)");
  }
  const conn = Deno.listenDatagram({
    transport: "udp",
    hostname: options.hostname ?? "0.0.0.0",
    port: options.port ?? 0,
  });
  return Promise.resolve(new DenoUdp(conn, options));
}

class DenoUdp implements Transport {
  readonly local: Addr;
  readonly stats: TransportStats = newStats();
  /** Bytes of socket receive buffer granted; 0 when the default could not be changed. */
  readonly recvBufferBytes: number;
  readonly #conn: Deno.DatagramConn;
  #handler: ReceiveHandler | undefined;
  #closed = false;
  readonly #loop: Promise<void>;
  /** Reads waiting datagrams in batches (undefined where it cannot: recv_batch.ts). */
  readonly #batch: BatchReceiver | undefined;
  readonly #arena = new ByteArena();
  /** Datagrams read in batches (for tests and benchmarks). */
  batched = 0;

  constructor(conn: Deno.DatagramConn, options: DenoUdpOptions) {
    this.#conn = conn;
    const a = conn.addr as Deno.NetAddr;
    this.local = formatAddr(a.hostname, a.port);
    const ipv6 = a.hostname.includes(":");
    this.recvBufferBytes = growDenoUdpBuffers(a.port, ipv6, SOCKET_BUFFER_ASK);
    this.#batch = options.batch === false ? undefined : openBatchReceiver(a.port, ipv6);
    this.#loop = this.#receiveLoop();
  }

  send(to: Addr, bytes: Uint8Array): void {
    if (this.#closed) throw new TypeError("transport closed");
    const hp = parseAddrCached(to);
    if (!hp) {
      this.stats.sendFailed++;
      return;
    }
    this.stats.datagramsOut++;
    this.stats.bytesOut += bytes.length;
    this.#conn.send(bytes, { transport: "udp", hostname: hp.hostname, port: hp.port }).catch(
      () => {
        // Unreachable hosts, full buffers, a socket closed under us: UDP is best effort.
        this.stats.datagramsOut--;
        this.stats.bytesOut -= bytes.length;
        this.stats.sendFailed++;
      },
    );
  }

  onReceive(handler: ReceiveHandler): void {
    this.#handler = handler;
  }

  async #receiveLoop(): Promise<void> {
    // Datagrams are read into an arena (lib/wire/arena.ts): each gets bytes of its own, for
    // the receiver to keep, without an ArrayBuffer of its own (without a buffer, Deno
    // allocates 64 KB per datagram, and the garbage collector then stalls the event loop
    // long enough for the socket buffer to overflow). Our datagrams are at most 1200 bytes;
    // anything cut short here fails to decode.
    const arena = this.#arena;
    while (!this.#closed) {
      let got: [Uint8Array, Deno.Addr];
      try {
        got = await this.#conn.receive(arena.room(RECEIVE_BUFFER));
      } catch (e) {
        if (this.#closed || e instanceof Deno.errors.BadResource) return;
        if (e instanceof Deno.errors.Interrupted) return;
        // A transient error (an ICMP report of an earlier send, say) must not end the loop.
        continue;
      }
      const [bytes, addr] = got; // a view of the room given
      arena.keep(bytes.length);
      const a = addr as Deno.NetAddr;
      this.#deliver(formatAddr(a.hostname, a.port), bytes);
      if (this.#batch) this.#drain(this.#batch);
    }
  }

  /** Reads what else waits, in batches, up to BATCH_MAX datagrams. */
  #drain(batch: BatchReceiver): void {
    const copy = (from: Addr, view: Uint8Array) => {
      const bytes = this.#arena.take(view.length);
      bytes.set(view);
      this.batched++;
      this.#deliver(from, bytes);
    };
    for (let read = 0; read < BATCH_MAX && !this.#closed;) {
      const n = batch.read(copy);
      read += n;
      if (n < BATCH) return;
    }
  }

  #deliver(from: Addr, bytes: Uint8Array): void {
    if (!this.#handler) {
      this.stats.unhandled++;
      return;
    }
    this.stats.datagramsIn++;
    this.stats.bytesIn += bytes.length;
    try {
      this.#handler(from, bytes);
    } catch (e) {
      // A handler bug must surface, but not kill the socket for every later datagram.
      queueMicrotask(() => {
        throw e;
      });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    await this.#loop;
  }
}
