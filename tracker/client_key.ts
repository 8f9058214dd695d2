/**
 * Which clients share a rate-limit bucket. An IPv4 address is one client. An IPv6 address is
 * not: a single home or server is routinely given a whole /64 (2^64 addresses) and can send
 * from any of them, so per-address limits would not limit it at all. The /64 prefix is the
 * unit an IPv6 client controls, and the unit it is limited by.
 */

/**
 * The rate-limit key of a client address: the address itself for IPv4 (and anything that
 * is not IPv6), `<first four hextets>::/64` for IPv6.
 *
 * @example
 * ```ts
 * import { rateKey } from "./client_key.ts";
 * if (rateKey("2001:db8:0:1::7") !== rateKey("2001:db8::1:0:0:0:9")) throw new Error();
 * if (rateKey("203.0.113.9") !== "203.0.113.9") throw new Error();
 * ```
 */
export function rateKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  const hextets = expandIpv6(ip.replace(/%.*$/, "")); // a zone ("fe80::1%eth0") is local detail
  if (hextets === undefined) return ip;
  return `${hextets.slice(0, 4).map((h) => h.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function expandIpv6(ip: string): number[] | undefined {
  const halves = ip.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]), tail = halves.length === 2 ? groups(halves[1]) : [];
  const parts = [...head, ...tail];
  // A trailing dotted IPv4 part ("::ffff:1.2.3.4", "64:ff9b::1.2.3.4") is two groups.
  const last = parts[parts.length - 1] ?? "";
  const v4 = last.includes(".") ? 2 : 0;
  const count = parts.length - (v4 ? 1 : 0) + v4;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const hex = (s: string) => (/^[0-9a-fA-F]{1,4}$/.test(s) ? parseInt(s, 16) : NaN);
  const zeros = new Array(8 - count).fill(0);
  const tailGroups = v4 ? tail.slice(0, -1) : tail;
  const headGroups = v4 && halves.length === 1 ? head.slice(0, -1) : head;
  const out = [...headGroups.map(hex), ...zeros, ...tailGroups.map(hex)];
  if (v4) out.push(0, 0); // the IPv4 part lies past the /64 prefix: its value does not matter
  return out.length === 8 && out.every((n) => Number.isInteger(n)) ? out : undefined;
}
