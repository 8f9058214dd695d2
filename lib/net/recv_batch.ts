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
import { denoFfi, openLibrary } from "./ffi.ts";
import { BATCH, type Recvmmsg, RecvRing } from "./mmsg.ts";
import { denoUdpFd } from "./sock_buffer.ts";

export { BATCH };

/** A datagram read: a view of the batch's buffer, valid until the next `read`. */
export type BatchHandler = (addr: Addr, bytes: Uint8Array) => void;

/** Reads up to {@link BATCH} waiting datagrams of one socket per call. */
export class BatchReceiver {
  readonly #recvmmsg: Recvmmsg;
  readonly #fd: number;
  readonly #ring = new RecvRing();

  constructor(recvmmsg: Recvmmsg, fd: number) {
    this.#recvmmsg = recvmmsg;
    this.#fd = fd;
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
  if (!d || ipv6 || (d.build.arch !== "x86_64" && d.build.arch !== "aarch64")) return undefined;
  try {
    const fd = denoUdpFd(d, port, false);
    if (fd < 0) return undefined;
    const lib = openLibrary(d, "libc.so.6", {
      recvmmsg: { parameters: ["i32", "buffer", "u32", "i32", "pointer"], result: "i32" },
    });
    return lib ? new BatchReceiver(lib.symbols.recvmmsg as Recvmmsg, fd) : undefined;
  } catch {
    return undefined;
  }
}
