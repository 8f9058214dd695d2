/**
 * Reading many datagrams with one call, for the Deno UDP adapter. Each `receive()` of a
 * Deno.DatagramConn is an async op with its own promise and address object: some 7 µs of
 * CPU per datagram on the machines here, half of what a peer spends on a datagram of a junk
 * flood (bench/README.md, "Junk flood"). Once the receive loop has a datagram, whatever else
 * waits in the socket is read here by libc's recvmmsg, up to 64 at a time, without blocking
 * (MSG_DONTWAIT): Deno's reactor, finding the socket empty at its next read, just waits for
 * the next datagram.
 *
 * Only on Linux (x86-64 and arm64, whose struct layouts mmsg.ts writes) where FFI and
 * reading /proc are already permitted, and only for IPv4 sockets: the address strings must be
 * those Deno would have given (`a.b.c.d:port`), and IPv6 text forms are not worth the risk.
 * The message ring is linux_udp.ts's (mmsg.ts); the socket is Deno's.
 */
import type { Addr } from "../wire/messages.ts";
import { denoFfi } from "./ffi.ts";
import { loadLibc } from "./libc.ts";
import { type AddressOf, BATCH, type Recvmmsg, RecvRing } from "./mmsg.ts";
import { denoUdpFd } from "./sock_buffer.ts";

export { BATCH };

/** A datagram read: a view of the batch's buffer, valid until the next `read`. */
export type BatchHandler = (addr: Addr, bytes: Uint8Array) => void;

/** Reads up to {@link BATCH} waiting datagrams of one socket per call. */
export class BatchReceiver {
  readonly #recvmmsg: Recvmmsg;
  readonly #fd: number;
  readonly #ring: RecvRing;

  constructor(recvmmsg: Recvmmsg, fd: number, addressOf: AddressOf) {
    this.#recvmmsg = recvmmsg;
    this.#fd = fd;
    this.#ring = new RecvRing(addressOf);
  }

  /**
   * Reads the datagrams waiting (up to {@link BATCH}) and hands each to `onDatagram`; returns
   * how many (0 when none waits, or on any error).
   */
  read(onDatagram: BatchHandler): number {
    const n = this.#ring.read(this.#recvmmsg, this.#fd);
    for (let i = 0; i < n; i++) {
      // An IPv4 socket hears only IPv4 senders, named as Deno names them ("a.b.c.d:port").
      const from = this.#ring.sender(i);
      if (from !== undefined) onDatagram(from, this.#ring.bytes(i));
    }
    return Math.max(0, n);
  }
}

/**
 * A batch receiver for this process's IPv4 UDP socket bound to local `port`, or undefined
 * where it cannot be had (not Linux x86-64/arm64, no FFI permission, IPv6, no such socket).
 */
export function openBatchReceiver(port: number, ipv6: boolean): BatchReceiver | undefined {
  const d = denoFfi(["/proc"]);
  const c = d && !ipv6 ? loadLibc() : null;
  if (!d || !c) return undefined;
  try {
    const fd = denoUdpFd(d, port, false);
    return fd < 0 ? undefined : new BatchReceiver(c.libc.recvmmsg, fd, c.addressOf);
  } catch {
    return undefined;
  }
}
