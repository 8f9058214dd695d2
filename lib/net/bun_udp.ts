/**
 * The Bun UDP adapter (Bun.udpSocket). Bun's types are not visible to Deno's type checker,
 * so the few members used are declared here and Bun is reached through globalThis; the file
 * type-checks under Deno and runs under Bun (and in binaries made by `bun build --compile`).
 */
import type { Addr } from "../wire/messages.ts";
import { ByteArena } from "../wire/arena.ts";
import { formatAddr, parseAddrCached } from "./addr.ts";
import {
  type BindOptions,
  newStats,
  type ReceiveHandler,
  type Transport,
  type TransportStats,
} from "./transport.ts";

interface BunUdpSocket {
  readonly port: number;
  readonly address: { readonly address: string; readonly port: number };
  send(data: Uint8Array, port: number, address: string): boolean;
  close(): void;
}

interface BunUdpApi {
  udpSocket(options: {
    hostname?: string;
    port?: number;
    binaryType?: "uint8array";
    socket?: {
      data?(socket: BunUdpSocket, data: Uint8Array, port: number, address: string): void;
      error?(socket: BunUdpSocket, error: Error): void;
    };
  }): Promise<BunUdpSocket>;
}

function bunApi(): BunUdpApi | undefined {
  const b = (globalThis as { Bun?: Partial<BunUdpApi> }).Bun;
  return typeof b?.udpSocket === "function" ? (b as BunUdpApi) : undefined;
}

/** True when this runtime is Bun with UDP sockets. */
export function bunUdpAvailable(): boolean {
  return bunApi() !== undefined;
}

/** Binds a UDP socket with Bun.udpSocket. Rejects if the address cannot be bound. */
export async function openBunUdp(options: BindOptions = {}): Promise<Transport> {
  const api = bunApi();
  if (!api) throw new TypeError("Bun.udpSocket is unavailable (not running under Bun)");
  const t = new BunUdp();
  const sock = await api.udpSocket({
    hostname: options.hostname ?? "0.0.0.0",
    port: options.port ?? 0,
    binaryType: "uint8array",
    socket: {
      data: (_s, data, port, address) => t.receive(data, port, address),
      error: () => {
        t.stats.sendFailed++;
      },
    },
  });
  t.bind(sock);
  return t;
}

class BunUdp implements Transport {
  local: Addr = "";
  readonly stats: TransportStats = newStats();
  #sock: BunUdpSocket | undefined;
  #handler: ReceiveHandler | undefined;
  #closed = false;
  readonly #arena = new ByteArena();

  bind(sock: BunUdpSocket): void {
    this.#sock = sock;
    this.local = formatAddr(sock.address.address, sock.port);
  }

  send(to: Addr, bytes: Uint8Array): void {
    if (this.#closed) throw new TypeError("transport closed");
    const hp = parseAddrCached(to);
    let ok = false;
    // false means the socket's send buffer is full: the datagram is dropped, as a router
    // would drop it. A throw may also be an ICMP report of an earlier datagram to a closed
    // port, handed to this send: tried again (conformance.ts has the case).
    for (let tries = 0; !ok && tries < 3 && hp && this.#sock; tries++) {
      try {
        ok = this.#sock.send(bytes, hp.port, hp.hostname);
        if (!ok) break;
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      this.stats.sendFailed++;
      return;
    }
    this.stats.datagramsOut++;
    this.stats.bytesOut += bytes.length;
  }

  onReceive(handler: ReceiveHandler): void {
    this.#handler = handler;
  }

  receive(data: Uint8Array, port: number, address: string): void {
    if (this.#closed) return;
    if (!this.#handler) {
      this.stats.unhandled++;
      return;
    }
    this.stats.datagramsIn++;
    this.stats.bytesIn += data.length;
    // Bun may reuse its receive buffer after the callback; the handler owns what it gets,
    // a copy in an arena (no ArrayBuffer per datagram: lib/wire/arena.ts).
    const bytes = this.#arena.take(data.length);
    bytes.set(data);
    this.#handler(formatAddr(address, port), bytes);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#sock?.close();
      } catch { /* already closed */ }
    }
    return Promise.resolve();
  }
}
