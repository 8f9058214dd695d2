/**
 * The one interface every datagram transport shows the driver (driver.ts): the Deno and Bun
 * UDP adapters, the in-memory network used by tests, and the impairment wrapper around any
 * of them. All of them pass the one conformance suite in conformance.ts.
 */
import type { Addr } from "../wire/messages.ts";

/** Called for every datagram that arrives; `bytes` belongs to the callee from then on. */
export type ReceiveHandler = (from: Addr, bytes: Uint8Array) => void;

/** What a transport counted since it opened. */
export interface TransportStats {
  datagramsIn: number;
  bytesIn: number;
  datagramsOut: number;
  bytesOut: number;
  /**
   * Datagrams handed to `send` that did not leave: bad destination address, socket error,
   * backpressure, or (in the impairment wrapper) emulated loss and queue overflow.
   */
  sendFailed: number;
  /** Datagrams that arrived while no receive handler was set. */
  unhandled: number;
  /**
   * Datagrams the kernel dropped because this socket's receive buffer was full: lost on
   * this machine, not on any link. Counted where the transport can tell (linux_udp.ts);
   * 0 elsewhere.
   */
  receiveOverflow: number;
}

/** A bound datagram endpoint. */
export interface Transport {
  /** The bound local address, "ip:port" (the port the OS picked when 0 was asked for). */
  readonly local: Addr;
  /** Running counters. */
  readonly stats: TransportStats;
  /**
   * Set by a transport that reads datagrams in batches, every `batchMs` while they flow
   * (linux_udp.ts): the driver then runs its timer on the same grid (wake_grid.ts), so
   * both wake the process once.
   */
  readonly batchMs?: number;
  /**
   * A transport that batches may drain less often while `steady` (linux_udp.ts: every 40 ms
   * instead of 20): for a program whose stream flows, to which a few ms more per datagram
   * matter less than the CPU of waking up. `false` goes back to `batchMs`.
   */
  setSteady?(steady: boolean): void;
  /**
   * True for a transport whose `send` is done with `bytes` when it returns (linux_udp.ts
   * copies them into its send ring): the caller may then reuse one buffer for every
   * datagram instead of a fresh range each (lib/wire/codec.ts `encodeDatagram`'s `into`).
   */
  readonly copiesOnSend?: boolean;
  /**
   * Sends one datagram, best effort. Never throws for network reasons (a bad address or a
   * send error is counted in `stats.sendFailed`); throws TypeError once closed. The
   * transport may hold on to `bytes` until they leave: the caller must not modify them
   * (unless `copiesOnSend`).
   */
  send(to: Addr, bytes: Uint8Array): void;
  /** Sets the one receive handler (replacing any earlier one). */
  onReceive(handler: ReceiveHandler): void;
  /** Stops receiving and releases the socket. Safe to call twice. */
  close(): Promise<void>;
}

/** Where to bind. */
export interface BindOptions {
  /** Local address to bind, default "0.0.0.0". */
  readonly hostname?: string;
  /** Local port, default 0 (any free port). */
  readonly port?: number;
}

/** Fresh zeroed counters. */
export function newStats(): TransportStats {
  return {
    datagramsIn: 0,
    bytesIn: 0,
    datagramsOut: 0,
    bytesOut: 0,
    sendFailed: 0,
    unhandled: 0,
    receiveOverflow: 0,
  };
}
