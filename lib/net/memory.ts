/**
 * An in-memory datagram network for tests: transports on it exchange datagrams through
 * microtasks (never inside `send`, as with real sockets), addressed "127.0.0.1:<port>"
 * like loopback UDP so the same address parsing applies. No loss, delay or reordering:
 * wrap a transport in impair.ts for those.
 */
import type { Addr } from "../wire/messages.ts";
import { formatAddr, parseAddr } from "./addr.ts";
import {
  type BindOptions,
  newStats,
  type ReceiveHandler,
  type Transport,
  type TransportStats,
} from "./transport.ts";

/** A set of in-memory transports that can reach each other. */
export class MemoryNetwork {
  readonly #bound = new Map<Addr, MemoryTransport>();
  #nextPort = 20000;

  /** Binds a transport; port 0 (the default) picks a free one. Throws if the port is taken. */
  open(options: BindOptions = {}): Promise<Transport> {
    const hostname = options.hostname ?? "127.0.0.1";
    let port = options.port ?? 0;
    if (port === 0) {
      while (this.#bound.has(formatAddr(hostname, this.#nextPort))) this.#nextPort++;
      port = this.#nextPort++;
    }
    const local = formatAddr(hostname, port);
    if (this.#bound.has(local)) throw new TypeError(`address in use: ${local}`);
    const t = new MemoryTransport(this, local);
    this.#bound.set(local, t);
    return Promise.resolve(t);
  }

  /** Hands `bytes` to whoever is bound at `to`, later; false when the address is malformed. */
  deliver(from: Addr, to: Addr, bytes: Uint8Array): boolean {
    if (!parseAddr(to)) return false;
    const copy = Uint8Array.from(bytes);
    queueMicrotask(() => this.#bound.get(to)?.receive(from, copy));
    return true;
  }

  /** Forgets a closed transport. */
  unbind(local: Addr): void {
    this.#bound.delete(local);
  }
}

/** One endpoint of a {@link MemoryNetwork}. */
class MemoryTransport implements Transport {
  readonly local: Addr;
  readonly stats: TransportStats = newStats();
  readonly #net: MemoryNetwork;
  #handler: ReceiveHandler | undefined;
  #closed = false;

  constructor(net: MemoryNetwork, local: Addr) {
    this.#net = net;
    this.local = local;
  }

  send(to: Addr, bytes: Uint8Array): void {
    if (this.#closed) throw new TypeError("transport closed");
    if (!this.#net.deliver(this.local, to, bytes)) {
      this.stats.sendFailed++;
      return;
    }
    this.stats.datagramsOut++;
    this.stats.bytesOut += bytes.length;
  }

  onReceive(handler: ReceiveHandler): void {
    this.#handler = handler;
  }

  receive(from: Addr, bytes: Uint8Array): void {
    if (this.#closed) return;
    if (!this.#handler) {
      this.stats.unhandled++;
      return;
    }
    this.stats.datagramsIn++;
    this.stats.bytesIn += bytes.length;
    this.#handler(from, bytes);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#net.unbind(this.local);
    }
    return Promise.resolve();
  }
}
