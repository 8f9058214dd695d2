/**
 * Transport addresses as the core sees them: opaque strings "ip:port" ("[ip6]:port" for
 * IPv6, brackets keeping the colons of the address apart from the port's).
 */
import type { Addr } from "../wire/messages.ts";

/** A host and a UDP port. */
export interface HostPort {
  readonly hostname: string;
  readonly port: number;
}

/**
 * The address string of a host and port.
 *
 * @example
 * ```ts
 * import { formatAddr } from "./addr.ts";
 * if (formatAddr("::1", 9) !== "[::1]:9") throw new Error();
 * ```
 */
export function formatAddr(hostname: string, port: number): Addr {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`bad port ${port}`);
  }
  const host = hostname.startsWith("::ffff:") && hostname.includes(".")
    ? hostname.slice(7) // an IPv4-mapped IPv6 address names the IPv4 peer
    : hostname;
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The host and port of an address string, or undefined when it is not one (remote input:
 * never throws).
 *
 * @example
 * ```ts
 * import { parseAddr } from "./addr.ts";
 * const a = parseAddr("[::1]:4000");
 * if (a?.hostname !== "::1" || a.port !== 4000) throw new Error();
 * ```
 */
export function parseAddr(addr: unknown): HostPort | undefined {
  if (typeof addr !== "string") return undefined;
  const colon = addr.lastIndexOf(":");
  if (colon <= 0) return undefined;
  let host = addr.slice(0, colon);
  const portText = addr.slice(colon + 1);
  if (!/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) return undefined;
    host = host.slice(1, -1);
    if (!host.includes(":")) return undefined;
  } else if (host.includes(":")) {
    return undefined; // an IPv6 address must be bracketed
  }
  if (host === "" || /[\s/\[\]]/.test(host)) return undefined;
  return { hostname: host, port };
}

/** Addresses remembered by {@link parseAddrCached}, at most this many (then forgotten). */
const PARSED_MAX = 4096;
const parsed = new Map<Addr, HostPort | undefined>();

/**
 * {@link parseAddr}, remembered: the transports look up the destination of every datagram
 * they send, and parsing it each time (a regular expression or two) showed in profiles.
 */
export function parseAddrCached(addr: Addr): HostPort | undefined {
  let hp = parsed.get(addr);
  if (hp === undefined && !parsed.has(addr)) {
    hp = parseAddr(addr);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(addr, hp);
  }
  return hp;
}
