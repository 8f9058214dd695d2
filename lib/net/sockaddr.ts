/**
 * Socket addresses as Linux's system calls take and give them (struct sockaddr_in and
 * sockaddr_in6), to and from the "ip:port" strings of addr.ts, for the FFI transport
 * (linux_udp.ts). Only numeric addresses: a host name has no sockaddr without a DNS lookup.
 */
import type { Addr } from "../wire/messages.ts";
import { formatAddr, parseAddr } from "./addr.ts";

/** Linux's address families. */
export const AF_INET = 2;
export const AF_INET6 = 10;
/** Bytes of a struct sockaddr_in and sockaddr_in6. */
export const SOCKADDR_IN = 16;
export const SOCKADDR_IN6 = 28;

/** The 4 bytes of a dotted-quad IPv4 address, or undefined when `text` is not one. */
export function parseIp4(text: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const b = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const n = Number(m[i + 1]);
    if (n > 255) return undefined;
    b[i] = n;
  }
  return b;
}

/**
 * The 16 bytes of a textual IPv6 address (RFC 4291 2.2: hex groups, one "::", a dotted quad
 * at the end), or undefined. Zone ids ("%eth0") are not taken.
 */
export function parseIp6(text: string): Uint8Array | undefined {
  if (text.length < 2 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIp4(p);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  // A dotted quad only ends the address.
  if (halves.length === 2 && halves[0].includes(".")) return undefined;
  const n = head.length + tail.length;
  if (halves.length === 1 ? n !== 8 : n > 7) return undefined;
  const all = [...head, ...new Array(8 - n).fill(0), ...tail];
  const b = new Uint8Array(16);
  all.forEach((g, i) => {
    b[2 * i] = g >> 8;
    b[2 * i + 1] = g & 0xff;
  });
  return b;
}

/**
 * The text of a 16-byte IPv6 address as RFC 5952 writes it (lowercase, the longest run of
 * two or more zero groups as "::", the first on a tie; IPv4-mapped as ::ffff:a.b.c.d), which
 * is how Deno and Node name a sender.
 */
export function formatIp6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[2 * i] << 8) | b[2 * i + 1]);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/**
 * Writes the sockaddr of numeric `host` and `port` for a socket of `family` into `out` (at
 * least 28 bytes) and returns its length, or 0 when `host` is no numeric address that socket
 * can reach (an IPv4 address goes to an IPv6 socket as ::ffff:a.b.c.d).
 */
export function writeHostSockaddr(
  host: string,
  port: number,
  family: number,
  out: Uint8Array,
): number {
  const v4 = parseIp4(host);
  const v6 = v4 ? undefined : parseIp6(host);
  if (!v4 && !v6) return 0;
  const view = new DataView(out.buffer, out.byteOffset, SOCKADDR_IN6);
  out.fill(0, 0, SOCKADDR_IN6);
  view.setUint16(2, port, false);
  if (family === AF_INET) {
    if (!v4) return 0;
    view.setUint16(0, AF_INET, true);
    out.set(v4, 4);
    return SOCKADDR_IN;
  }
  view.setUint16(0, AF_INET6, true);
  if (v4) out.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4], 8);
  else out.set(v6!, 8);
  return SOCKADDR_IN6;
}

/** {@link writeHostSockaddr} for an address string; 0 when it is not one. */
export function writeSockaddr(addr: Addr, family: number, out: Uint8Array): number {
  const hp = parseAddr(addr);
  return hp ? writeHostSockaddr(hp.hostname, hp.port, family, out) : 0;
}

/** The address in the sockaddr at `offset` of `view`, or undefined for another family. */
export function readSockaddr(view: DataView, offset: number): Addr | undefined {
  const family = view.getUint16(offset, true);
  const port = view.getUint16(offset + 2, false);
  if (family === AF_INET) {
    const a = view.getUint32(offset + 4, false);
    return formatAddr(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`, port);
  }
  if (family === AF_INET6) {
    const b = new Uint8Array(view.buffer, view.byteOffset + offset + 8, 16);
    return formatAddr(formatIp6(b), port);
  }
  return undefined;
}
