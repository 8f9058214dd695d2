import { concatBytes as cat } from "../lib/bytes.ts";
import { assert, assertEquals } from "../lib/testing.ts";
import { entryInPair, startsVideoKeyframe, TsGate } from "./ts_gate.ts";

/** A TS packet of `pid`; `key` makes it start a video keyframe PES; `tag` marks it. */
function pkt(pid: number, tag: number, key = false, audioStart = false): Uint8Array {
  const p = new Uint8Array(188).fill(tag);
  p[0] = 0x47;
  p[1] = (pid >> 8) & 0x1f;
  p[2] = pid & 0xff;
  p[3] = 0x10;
  if (key || audioStart) {
    p[1] |= 0x40;
    p[3] = 0x30; // adaptation field + payload
    p[4] = 7;
    p[5] = 0x50; // random access + PCR
    p.set([0, 0, 1, key ? 0xe0 : 0xc0], 12);
  }
  return p;
}

Deno.test("startsVideoKeyframe: a video PES start with random access, nothing else", () => {
  assert(startsVideoKeyframe(pkt(256, 1, true)));
  assert(!startsVideoKeyframe(pkt(257, 1, false, true)), "audio is not a video keyframe");
  assert(!startsVideoKeyframe(pkt(256, 1)));
});

Deno.test("TsGate: output starts at the PAT before the first video keyframe", () => {
  const stream = [
    pkt(256, 1), // mid-GOP video
    pkt(0, 2), // a PAT not followed by a keyframe soon
    pkt(256, 3),
    pkt(257, 4, false, true), // audio random access: not an entry point
    pkt(0, 5), // PAT
    pkt(4096, 6), // PMT
    pkt(256, 7, true), // keyframe
    pkt(256, 8),
    pkt(257, 9),
  ];
  const bytes = cat(stream);
  const gate = new TsGate();
  const out: Uint8Array[] = [];
  // Fed in blocks of 2.5 packets, so packets straddle writes.
  for (let o = 0; o < bytes.length; o += 470) out.push(...gate.push(0, bytes.subarray(o, o + 470)));
  assertEquals(cat(out), cat(stream.slice(4)));
  assertEquals(gate.skippedBytes, 4 * 188);
  assert(gate.open);
  const later = new Uint8Array([1, 2, 3]);
  assertEquals(gate.push(1, later), [later], "once open, bytes pass unchanged");
});

Deno.test("TsGate: a stream without entry points passes after maxWaitMs", () => {
  const gate = new TsGate(1000);
  assertEquals(gate.push(0, cat([pkt(0, 1), pkt(256, 2)])), []);
  const out = gate.push(1000, pkt(256, 3));
  assertEquals(cat(out), cat([pkt(0, 1), pkt(256, 2), pkt(256, 3)]));
  assert(gate.open);
});

Deno.test("TsGate: bytes that are not MPEG-TS pass at once", () => {
  const gate = new TsGate();
  const raw = new Uint8Array([1, 2, 3, 4]);
  assertEquals(gate.push(0, raw), [raw]);
});

Deno.test("the stall keep-alive is an MPEG-TS null packet (PID 0x1FFF)", async () => {
  const { NULL_PACKET } = await import("./session.ts");
  assertEquals(NULL_PACKET.length, 188);
  assertEquals(NULL_PACKET[0], 0x47);
  assertEquals(((NULL_PACKET[1] & 0x1f) << 8) | NULL_PACKET[2], 0x1fff);
  assertEquals((NULL_PACKET[3] >> 4) & 3, 1, "payload only, no adaptation field");
});

Deno.test("entryInPair: a PAT in the first block with a keyframe after it, in either block", () => {
  const pat = pkt(0, 1), pmt = pkt(4096, 2), key = pkt(256, 3, true), v = pkt(256, 4);
  assert(entryInPair(cat([v, pat, pmt, key]), cat([v, v])), "keyframe in the same block");
  assert(entryInPair(cat([v, v, pat, pmt]), cat([key, v])), "keyframe in the next block");
  assert(!entryInPair(cat([v, v, v]), cat([pat, pmt, key])), "the PAT is in the next block");
  assert(!entryInPair(cat([v, pat, pmt, v]), cat([v, v])), "a PAT with no keyframe after it");
  assert(!entryInPair(cat([key, pat, pmt]), cat([v])), "the keyframe comes before the PAT");
  assert(!entryInPair(new Uint8Array([1, 2, 3]), cat([pat, key])), "not MPEG-TS");
});
