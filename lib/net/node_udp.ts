/**
 * The node:dgram UDP adapter, which Deno, Bun and Node all provide. It is the one the
 * programs use (udp.ts) because it alone can ask for a large socket receive buffer: a
 * peer's datagrams come in bursts (a joiner's history from a dozen upstreams, everything
 * that arrived while a garbage collection ran), and the default buffer (about 200 KB, some
 * 90 datagrams as the kernel counts them) overflows, which the protocol then reads as loss
 * on its connections. The kernel caps the request at net.core.rmem_max; `recvBufferBytes`
 * on the transport says what was granted.
 */
import dgram from "node:dgram";
import type { Addr } from "../wire/messages.ts";
import { formatAddr, parseAddrCached } from "./addr.ts";
import {
  type BindOptions,
  newStats,
  type ReceiveHandler,
  type Transport,
  type TransportStats,
} from "./transport.ts";

/** The receive buffer asked for: about 3,000 full datagrams. */
export const RECV_BUFFER_ASK = 4 * 1024 * 1024;

/** A node:dgram transport, with the receive buffer the kernel granted. */
export interface NodeUdpTransport extends Transport {
  /** Bytes of socket receive buffer granted (the kernel may double the ask, or cap it). */
  readonly recvBufferBytes: number;
}

/** Binds a UDP socket with node:dgram. Rejects if the address cannot be bound. */
export async function openNodeUdp(
  options: BindOptions & { readonly recvBuffer?: number } = {},
): Promise<NodeUdpTransport> {
  const hostname = options.hostname ?? "0.0.0.0";
  const sock = dgram.createSocket({ type: hostname.includes(":") ? "udp6" : "udp4" });
  await new Promise<void>((resolve, reject) => {
    sock.once("error", reject);
    sock.bind(options.port ?? 0, hostname, () => {
      sock.off("error", reject);
      resolve();
    });
  });
  try {
    sock.setRecvBufferSize(options.recvBuffer ?? RECV_BUFFER_ASK);
  } catch { /* keep the default buffer */ }
  // The same for sending: the source pushes every block to dozens of connections at once,
  // and a send that finds the buffer full is dropped (measured: a source under Bun with the
  // default buffer starved its peers once it served 75 connections).
  try {
    sock.setSendBufferSize(RECV_BUFFER_ASK);
  } catch { /* keep the default buffer */ }
  return new NodeUdp(sock);
}

class NodeUdp implements NodeUdpTransport {
  readonly local: Addr;
  readonly stats: TransportStats = newStats();
  readonly recvBufferBytes: number;
  readonly #sock: dgram.Socket;
  #handler: ReceiveHandler | undefined;
  #closed = false;

  constructor(sock: dgram.Socket) {
    this.#sock = sock;
    const a = sock.address();
    this.local = formatAddr(a.address, a.port);
    let granted = 0;
    try {
      granted = sock.getRecvBufferSize();
    } catch { /* unknown */ }
    this.recvBufferBytes = granted;
    sock.on("message", (msg: Uint8Array, rinfo: { address: string; port: number }) => {
      if (this.#closed) return;
      if (!this.#handler) {
        this.stats.unhandled++;
        return;
      }
      this.stats.datagramsIn++;
      this.stats.bytesIn += msg.length;
      // Each message is a fresh buffer, so the handler may keep it; a plain Uint8Array view
      // of it, since a Buffer is not what the rest of the code expects.
      const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      this.#handler(formatAddr(rinfo.address, rinfo.port), bytes);
    });
    // A socket error (e.g. ICMP unreachable reported on a later call) is not fatal for UDP.
    sock.on("error", () => {
      this.stats.sendFailed++;
    });
  }

  send(to: Addr, bytes: Uint8Array): void {
    if (this.#closed) throw new TypeError("transport closed");
    const hp = parseAddrCached(to);
    if (!hp) {
      this.stats.sendFailed++;
      return;
    }
    try {
      this.#send(bytes, hp.port, hp.hostname, 2);
    } catch {
      this.stats.sendFailed++;
      return;
    }
    this.stats.datagramsOut++;
    this.stats.bytesOut += bytes.length;
  }

  /**
   * One send, tried again up to `retries` times on ECONNREFUSED: under Bun that error is an
   * ICMP report of an earlier datagram to a closed port, handed to the next send, which then
   * did not go out (conformance.ts has the case).
   */
  #send(bytes: Uint8Array, port: number, host: string, retries: number): void {
    this.#sock.send(bytes, port, host, (err) => {
      if (!err) return;
      if (retries > 0 && (err as { code?: string }).code === "ECONNREFUSED" && !this.#closed) {
        try {
          return this.#send(bytes, port, host, retries - 1);
        } catch { /* counted below */ }
      }
      this.stats.sendFailed++;
      this.stats.datagramsOut--;
      this.stats.bytesOut -= bytes.length;
    });
  }

  onReceive(handler: ReceiveHandler): void {
    this.#handler = handler;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => {
      try {
        this.#sock.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}
