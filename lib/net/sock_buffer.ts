/**
 * Larger socket buffers for the Deno UDP adapter. Deno.listenDatagram cannot ask for a
 * receive buffer, and the kernel's default (net.core.rmem_default, 208 KB: some 90 full
 * datagrams as the kernel counts them) overflows whenever the event loop stalls for a few
 * tens of milliseconds at a few thousand datagrams a second; the protocol then reads the
 * drops as loss and closes connections (measured by bench/relay: a Deno peer lost its
 * upstream at 4,000 blocks/s while under Bun, with node:dgram's 4 MB, it relayed 8,000).
 *
 * On Linux, where FFI and reading /proc are already permitted (never prompting), this finds
 * the socket's file descriptor (its inode in /proc/net/udp, then /proc/self/fd) and calls
 * libc's setsockopt(SO_RCVBUF / SO_SNDBUF), as node:dgram's setRecvBufferSize does. The
 * kernel caps the ask at net.core.rmem_max. Anywhere else it does nothing.
 */

import { denoFfi, openLibrary } from "./ffi.ts";

const SOL_SOCKET = 1;
const SO_SNDBUF = 7;
const SO_RCVBUF = 8;

/**
 * The inode of the socket bound to local `port` in the text of /proc/net/udp (or udp6), or
 * undefined. Columns: sl, local_address (hex ip:hex port), rem_address, st, tx:rx, tr:when,
 * retrnsmt, uid, timeout, inode.
 */
export function inodeForPort(procNetUdp: string, port: number): string | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of procNetUdp.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && f[1].toUpperCase().endsWith(`:${hexPort}`)) return f[9];
  }
  return undefined;
}

/**
 * The file descriptor of this process's UDP socket bound to local `port` (its inode in
 * /proc/net/udp, then /proc/self/fd), or -1.
 */
export function denoUdpFd(d: typeof Deno, port: number, ipv6: boolean): number {
  const inode = inodeForPort(d.readTextFileSync(ipv6 ? "/proc/net/udp6" : "/proc/net/udp"), port);
  if (inode === undefined) return -1;
  let fd = -1;
  for (const e of d.readDirSync("/proc/self/fd")) {
    try {
      if (d.readLinkSync(`/proc/self/fd/${e.name}`) === `socket:[${inode}]`) fd = Number(e.name);
    } catch { /* closed meanwhile */ }
  }
  return fd;
}

type Libc = {
  symbols: {
    setsockopt(fd: number, level: number, name: number, v: Uint8Array, len: number): number;
    getsockopt(fd: number, level: number, name: number, v: Uint8Array, len: Uint8Array): number;
  };
};

/**
 * Asks for `bytes` of receive and send buffer on the Deno UDP socket bound to local `port`;
 * resolves with the receive buffer the kernel granted, or 0 when it could not be asked.
 */
export function growDenoUdpBuffers(port: number, ipv6: boolean, bytes: number): number {
  const d = denoFfi(["/proc"]);
  if (!d) return 0;
  try {
    const fd = denoUdpFd(d, port, ipv6);
    const c = fd >= 0
      ? openLibrary(d, "libc.so.6", {
        setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
        getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
      }) as unknown as Libc | null
      : null;
    if (!c) return 0;
    const v = new Uint8Array(new Int32Array([bytes]).buffer);
    c.symbols.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, v, 4);
    c.symbols.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, v, 4);
    const out = new Int32Array(1);
    const len = new Uint32Array([4]);
    c.symbols.getsockopt(
      fd,
      SOL_SOCKET,
      SO_RCVBUF,
      new Uint8Array(out.buffer),
      new Uint8Array(len.buffer),
    );
    return out[0];
  } catch {
    return 0;
  }
}
