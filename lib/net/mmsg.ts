/**
 * recvmmsg / sendmmsg message rings for the FFI paths (linux_udp.ts's socket of its own, and
 * recv_batch.ts's batch reads on Deno's socket): the struct layouts of LP64 Linux (x86_64
 * and aarch64, the only architectures taken), rings of message headers over buffers that V8
 * never moves, and a receive ring that names each datagram's sender.
 */
import type { Addr } from "../wire/messages.ts";
import { AF_INET, readSockaddr } from "./sockaddr.ts";

// iovec {base, len}; msghdr {name, namelen, iov, iovlen, control, controllen, flags};
// mmsghdr {msghdr, msg_len}.
/** Bytes of a struct iovec. */
export const IOVEC = 16;
/** Bytes of a struct mmsghdr. */
export const MMSGHDR = 64;
/** Offsets in an mmsghdr: msg_namelen, msg_iov, msg_iovlen, msg_len. */
export const H_NAMELEN = 8;
export const H_IOV = 16;
export const H_IOVLEN = 24;
export const H_LEN = 56;
/** Bytes of address room per message (a sockaddr_in6 is 28). */
export const NAME = 32;
/** Datagrams per recvmmsg / sendmmsg call. */
export const BATCH = 64;
/** Bytes read per datagram: more than any valid one (1200), as deno_udp.ts. */
export const SLOT = 2048;
export const MSG_DONTWAIT = 0x40;
/** Senders' addresses remembered as strings, at most (then forgotten). */
const NAMES_MAX = 4096;

/** The address of the first byte of a buffer of its own (libc.ts, `addressOf`). */
export type AddressOf = (b: Uint8Array) => bigint;

/** A ring of message headers (see {@link messageRing}). */
export type MessageRing = ReturnType<typeof messageRing>;

/**
 * `count` message headers, each naming its own address room and one buffer of `slot`
 * bytes, all in buffers of their own (kept alive by the returned object).
 */
export function messageRing(count: number, slot: number, addressOf: AddressOf) {
  const data = new Uint8Array(new ArrayBuffer(count * slot));
  const names = new Uint8Array(new ArrayBuffer(count * NAME));
  const iovs = new Uint8Array(new ArrayBuffer(count * IOVEC));
  const hdrs = new Uint8Array(new ArrayBuffer(count * MMSGHDR));
  const iv = new DataView(iovs.buffer), hv = new DataView(hdrs.buffer);
  const dp = addressOf(data), np = addressOf(names), ip = addressOf(iovs);
  for (let i = 0; i < count; i++) {
    iv.setBigUint64(i * IOVEC, dp + BigInt(i * slot), true);
    iv.setBigUint64(i * IOVEC + 8, BigInt(slot), true);
    hv.setBigUint64(i * MMSGHDR, np + BigInt(i * NAME), true);
    hv.setUint32(i * MMSGHDR + H_NAMELEN, NAME, true);
    hv.setBigUint64(i * MMSGHDR + H_IOV, ip + BigInt(i * IOVEC), true);
    hv.setBigUint64(i * MMSGHDR + H_IOVLEN, 1n, true);
  }
  return { data, names, iovs, hdrs, iv, hv, nv: new DataView(names.buffer) };
}

/** libc's recvmmsg, as the FFI binds it. */
export type Recvmmsg = (
  fd: number,
  vec: Uint8Array<ArrayBuffer>,
  n: number,
  flags: number,
  timeout: null,
) => number;

/** {@link BATCH} datagrams read per call, and their senders' addresses. */
export class RecvRing {
  readonly #rx: MessageRing;
  /** Senders' addresses by IPv4 address and port (ip * 65536 + port). */
  readonly #names = new Map<number, Addr>();
  /** The number of messages the last call filled (their name lengths need resetting). */
  #lastRead = 0;

  /** A ring whose buffers' addresses come from `addressOf` (the runtime's FFI, libc.ts). */
  constructor(addressOf: AddressOf) {
    this.#rx = messageRing(BATCH, SLOT, addressOf);
  }

  /** One non-blocking recvmmsg on `fd`: the number of datagrams read, or -1 (see errno). */
  read(recvmmsg: Recvmmsg, fd: number): number {
    const hv = this.#rx.hv;
    for (let i = 0; i < this.#lastRead; i++) hv.setUint32(i * MMSGHDR + H_NAMELEN, NAME, true);
    const n = recvmmsg(fd, this.#rx.hdrs, BATCH, MSG_DONTWAIT, null);
    this.#lastRead = n > 0 ? n : 0;
    return n;
  }

  /** The bytes of datagram `i` of the last read: a view of the ring, valid until the next. */
  bytes(i: number): Uint8Array {
    const len = this.#rx.hv.getUint32(i * MMSGHDR + H_LEN, true);
    return this.#rx.data.subarray(i * SLOT, i * SLOT + len);
  }

  /** The sender of datagram `i` of the last read (undefined: not an IP address). */
  sender(i: number): Addr | undefined {
    const nv = this.#rx.nv, off = i * NAME;
    if (nv.getUint16(off, true) !== AF_INET) return readSockaddr(nv, off);
    const key = nv.getUint32(off + 4, false) * 65536 + nv.getUint16(off + 2, false);
    let a = this.#names.get(key);
    if (a === undefined) {
      a = readSockaddr(nv, off)!;
      if (this.#names.size >= NAMES_MAX) this.#names.clear();
      this.#names.set(key, a);
    }
    return a;
  }
}
