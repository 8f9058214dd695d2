/**
 * Reads the UDP datagrams of a classic pcap file (what `tcpdump -w` writes) over IPv4: time,
 * ports and payload of each. For the benchmarks that time datagrams on loopback from outside
 * the programs (hop_delay.ts). Link types: Ethernet (Linux's loopback as tcpdump captures it),
 * Linux cooked (`-i any`) and raw IP. Anything else in the file (IPv6, TCP, fragments, cut
 * packets) is skipped.
 */

/** One captured UDP datagram. */
export interface PcapUdp {
  /** Capture time, ms (unix epoch, microsecond resolution). */
  readonly t: number;
  readonly srcPort: number;
  readonly dstPort: number;
  /** The UDP payload, a view of the file's bytes. */
  readonly payload: Uint8Array;
}

const LINK_HEADER: Record<number, number> = { 1: 14, 113: 16, 101: 0, 228: 0 };

/** The UDP datagrams of `file`, in capture order; throws on a file that is no pcap. */
export function readPcapUdp(file: Uint8Array): PcapUdp[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 24) throw new RangeError("pcap: too short");
  const magic = v.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && v.getUint32(0, false) !== 0xa1b2c3d4 && v.getUint32(0, false) !== 0xa1b23c4d) {
    throw new RangeError("pcap: bad magic");
  }
  const nano = (le ? magic : v.getUint32(0, false)) === 0xa1b23c4d;
  const link = LINK_HEADER[v.getUint32(20, le)];
  if (link === undefined) throw new RangeError(`pcap: link type ${v.getUint32(20, le)}`);
  const out: PcapUdp[] = [];
  for (let at = 24; at + 16 <= file.length;) {
    const t = v.getUint32(at, le) * 1000 + v.getUint32(at + 4, le) / (nano ? 1e6 : 1e3);
    const incl = v.getUint32(at + 8, le), orig = v.getUint32(at + 12, le);
    const p = at + 16;
    at = p + incl;
    if (at > file.length || incl !== orig) continue; // cut short: not whole
    const ip = p + link;
    if (incl < link + 28 || file[ip] >> 4 !== 4 || file[ip + 9] !== 17) continue;
    if ((v.getUint16(ip + 6, false) & 0x3fff) !== 0) continue; // a fragment
    const udp = ip + (file[ip] & 15) * 4;
    const len = v.getUint16(udp + 4, false);
    if (len < 8 || udp + len > at) continue;
    out.push({
      t,
      srcPort: v.getUint16(udp, false),
      dstPort: v.getUint16(udp + 2, false),
      payload: file.subarray(udp + 8, udp + len),
    });
  }
  return out;
}
