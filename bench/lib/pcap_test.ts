import { assertEquals, assertThrows } from "../../lib/testing.ts";
import { readPcapUdp } from "./pcap.ts";

/** A pcap file (little-endian, microseconds, Ethernet) of the given frames. */
function pcap(frames: { sec: number; usec: number; bytes: Uint8Array; orig?: number }[]) {
  const parts: Uint8Array[] = [];
  const head = new DataView(new ArrayBuffer(24));
  head.setUint32(0, 0xa1b2c3d4, true);
  head.setUint16(4, 2, true);
  head.setUint16(6, 4, true);
  head.setUint32(16, 65535, true);
  head.setUint32(20, 1, true);
  parts.push(new Uint8Array(head.buffer));
  for (const f of frames) {
    const r = new DataView(new ArrayBuffer(16));
    r.setUint32(0, f.sec, true);
    r.setUint32(4, f.usec, true);
    r.setUint32(8, f.bytes.length, true);
    r.setUint32(12, f.orig ?? f.bytes.length, true);
    parts.push(new Uint8Array(r.buffer), f.bytes);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/** Ethernet + IPv4 + UDP (or another protocol) around `payload`. */
function frame(src: number, dst: number, payload: number[], proto = 17, frag = 0) {
  const b = new Uint8Array(14 + 20 + 8 + payload.length);
  const v = new DataView(b.buffer);
  v.setUint16(12, 0x0800);
  b[14] = 0x45;
  b[23] = proto;
  v.setUint16(14 + 6, frag);
  v.setUint16(34, src);
  v.setUint16(36, dst);
  v.setUint16(38, 8 + payload.length);
  b.set(payload, 42);
  return b;
}

Deno.test("readPcapUdp: UDP over IPv4 with times and ports; TCP, fragments and cut frames skipped", () => {
  const file = pcap([
    { sec: 10, usec: 250, bytes: frame(4000, 5000, [1, 2, 3]) },
    { sec: 10, usec: 300, bytes: frame(4000, 5000, [9], 6) }, // TCP
    { sec: 10, usec: 400, bytes: frame(4000, 5000, [9], 17, 0x2000) }, // a fragment
    { sec: 10, usec: 500, bytes: frame(4000, 5000, [9, 9]), orig: 1500 }, // cut short
    { sec: 11, usec: 1, bytes: frame(5000, 4001, []) },
  ]);
  const got = readPcapUdp(file);
  assertEquals(got.map((d) => [d.t, d.srcPort, d.dstPort, [...d.payload]]), [
    [10_000.25, 4000, 5000, [1, 2, 3]],
    [11_000.001, 5000, 4001, []],
  ]);
  assertThrows(() => readPcapUdp(new Uint8Array(24)), RangeError);
});
