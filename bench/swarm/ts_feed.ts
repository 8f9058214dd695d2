/**
 * A synthetic MPEG-TS stream for the swarm benchmarks, cheap to make (no encoder competing
 * for the cores being measured): 188-byte packets of one video PID, with a PAT and a packet
 * that starts a keyframe PES (random_access_indicator set) once per `gopPackets`, so that
 * peers find entry points as in a real stream (peer/ts_gate.ts), and filler payload between.
 */

/** Bytes in a TS packet. */
export const TS = 188;
const VIDEO_PID = 0x100;

/** Writes TS packets into buffers; its counters go on from call to call. */
export class TsFeed {
  #n = 0;
  #cc = 0;
  readonly #gop: number;

  /** A feed with an entry point every `gopPackets` packets (>= 2). */
  constructor(gopPackets: number) {
    if (!(gopPackets >= 2)) throw new RangeError("gopPackets must be >= 2");
    this.#gop = gopPackets;
  }

  /** The next `count` packets. */
  packets(count: number): Uint8Array {
    const out = new Uint8Array(count * TS);
    for (let i = 0; i < count; i++) this.#packet(out.subarray(i * TS, (i + 1) * TS));
    return out;
  }

  #packet(p: Uint8Array): void {
    const k = this.#n++ % this.#gop;
    p[0] = 0x47;
    if (k === 0) {
      // PAT: PID 0, payload unit start; the table itself does not matter to a relay.
      p.set([0x40, 0x00, 0x10, 0x00, 0x00, 0xb0, 0x0d], 1);
      p.fill(0xff, 8);
      return;
    }
    const cc = this.#cc++ & 0x0f;
    if (k === 1) {
      // Keyframe start: adaptation field (1 byte of flags: random_access_indicator), then a
      // video PES header.
      p[1] = 0x40 | (VIDEO_PID >> 8);
      p[2] = VIDEO_PID & 0xff;
      p[3] = 0x30 | cc;
      p[4] = 1;
      p[5] = 0x40;
      p.set([0x00, 0x00, 0x01, 0xe0, 0x00, 0x00], 6);
      for (let i = 12; i < TS; i++) p[i] = (i * 7 + this.#n) & 0xff;
      return;
    }
    p[1] = VIDEO_PID >> 8;
    p[2] = VIDEO_PID & 0xff;
    p[3] = 0x10 | cc;
    for (let i = 4; i < TS; i++) p[i] = (i * 13 + this.#n) & 0xff;
  }
}

/** Packets due after `elapsedMs` at `bps`, given `sent` already sent. */
export function packetsDue(bps: number, elapsedMs: number, sent: number): number {
  return Math.max(0, Math.floor(bps / 8 * elapsedMs / 1000 / TS) - sent);
}
