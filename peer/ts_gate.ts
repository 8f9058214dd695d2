/**
 * Where a peer's output starts. Joining a live MPEG-TS stream at an arbitrary packet makes
 * players decode garbage until the next keyframe (H.264 slices referencing parameter sets
 * they never saw), so the gate holds the played stream back until a clean entry point: the
 * last PAT packet before a video PES that starts a keyframe (random_access_indicator set
 * on a packet whose PES stream id is video, 0xE0..0xEF). ffmpeg's muxer writes PAT and PMT
 * right before each keyframe, so the output starts with PAT, PMT, keyframe and decodes
 * cleanly. From there on every byte passes unchanged.
 *
 * Input that is not TS (no 0x47 sync byte) passes at once, and so does everything once
 * `maxWaitMs` passed without an entry point (a stream without those flags).
 */

const TS = 188;

/** Holds a TS stream back until a clean entry point. */
export class TsGate {
  readonly #maxWaitMs: number;
  #open = false;
  #since: number | undefined;
  /** Packets from the latest PAT on, while waiting. */
  #held: Uint8Array[] = [];
  /** Bytes of a packet split across two writes. */
  #partial: Uint8Array | undefined;
  /** Bytes dropped before the entry point. */
  skippedBytes = 0;

  /** A gate that gives up waiting after `maxWaitMs` of stream. */
  constructor(maxWaitMs = 5000) {
    this.#maxWaitMs = maxWaitMs;
  }

  /** True once output flows. */
  get open(): boolean {
    return this.#open;
  }

  /** Takes played bytes at `now`; returns what to write (possibly nothing). */
  push(now: number, bytes: Uint8Array): Uint8Array[] {
    if (this.#open) return [bytes];
    this.#since ??= now;
    if (this.#partial === undefined && bytes.length > 0 && bytes[0] !== 0x47) {
      return this.#release([bytes]); // not MPEG-TS: nothing to wait for
    }
    let data = bytes;
    if (this.#partial) {
      data = new Uint8Array(this.#partial.length + bytes.length);
      data.set(this.#partial);
      data.set(bytes, this.#partial.length);
      this.#partial = undefined;
    }
    const whole = data.length - (data.length % TS);
    for (let o = 0; o < whole; o += TS) {
      const pkt = data.subarray(o, o + TS);
      if (pid(pkt) === 0) {
        this.skippedBytes += this.#held.reduce((n, p) => n + p.length, 0);
        this.#held = [pkt];
      } else if (this.#held.length > 0) {
        this.#held.push(pkt);
        if (startsVideoKeyframe(pkt)) {
          const out = [...this.#held, data.subarray(o + TS)];
          this.#held = [];
          return this.#release(out);
        }
        if (this.#held.length > 4096) {
          this.skippedBytes += this.#held.reduce((n, p) => n + p.length, 0);
          this.#held = []; // a PAT without a keyframe after it: wait for the next PAT
        }
      } else {
        this.skippedBytes += TS;
      }
    }
    if (whole < data.length) this.#partial = data.slice(whole);
    if (now - this.#since >= this.#maxWaitMs) {
      // No entry point found: give up and pass from here (held packets included).
      const out = [...this.#held];
      if (this.#partial) out.push(this.#partial);
      this.#held = [];
      this.#partial = undefined;
      return this.#release(out);
    }
    return [];
  }

  #release(parts: Uint8Array[]): Uint8Array[] {
    this.#open = true;
    return parts.filter((p) => p.length > 0);
  }
}

/**
 * The playback entry test of a TS stream (PlaybackOptions.entry): true when block `a`,
 * followed by block `b`, holds a PAT packet with a video keyframe starting after it (in `a`
 * or `b`), so the gate opens inside `a` and the output starts at once. Blocks are whole TS
 * packets (the source cuts on packet boundaries); anything else is no entry.
 */
export function entryInPair(a: Uint8Array, b: Uint8Array): boolean {
  let pat = false;
  for (const block of [a, b]) {
    for (let o = 0; o + TS <= block.length; o += TS) {
      const pkt = block.subarray(o, o + TS);
      if (pkt[0] !== 0x47) return false;
      if (block === a && pid(pkt) === 0) pat = true;
      else if (pat && startsVideoKeyframe(pkt)) return true;
    }
  }
  return false;
}

function pid(pkt: Uint8Array): number {
  return ((pkt[1] & 0x1f) << 8) | pkt[2];
}

/** True for a packet that starts a video PES and carries random_access_indicator. */
export function startsVideoKeyframe(pkt: Uint8Array): boolean {
  if (pkt[0] !== 0x47 || (pkt[1] & 0x40) === 0) return false; // payload_unit_start
  const afc = (pkt[3] >> 4) & 3;
  if ((afc & 2) === 0 || (afc & 1) === 0) return false; // needs adaptation field and payload
  const afLen = pkt[4];
  if (afLen === 0 || (pkt[5] & 0x40) === 0) return false; // random_access_indicator
  const p = 5 + afLen;
  if (p + 4 > TS) return false;
  return pkt[p] === 0 && pkt[p + 1] === 0 && pkt[p + 2] === 1 && (pkt[p + 3] & 0xf0) === 0xe0;
}
