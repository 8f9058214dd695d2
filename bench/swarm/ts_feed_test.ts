import { assert, assertEquals } from "../../lib/testing.ts";
import { entryInPair, startsVideoKeyframe } from "../../peer/ts_gate.ts";
import { packetsDue, TS, TsFeed } from "./ts_feed.ts";

Deno.test("the feed has sync bytes, and one entry point per GOP that the TS gate finds", () => {
  const f = new TsFeed(100);
  const bytes = f.packets(300);
  let keyframes = 0;
  for (let o = 0; o < bytes.length; o += TS) {
    assertEquals(bytes[o], 0x47);
    if (startsVideoKeyframe(bytes.subarray(o, o + TS))) keyframes++;
  }
  assertEquals(keyframes, 3);
  // A block starting at the PAT holds an entry point; one from the middle of a GOP does not.
  assert(entryInPair(bytes.subarray(0, 6 * TS), bytes.subarray(6 * TS, 12 * TS)));
  assert(!entryInPair(bytes.subarray(10 * TS, 16 * TS), bytes.subarray(16 * TS, 22 * TS)));
});

Deno.test("packetsDue paces by bitrate", () => {
  // 4 Mbit/s for one second is 500,000 bytes: 2659 whole packets.
  assertEquals(packetsDue(4_000_000, 1000, 0), 2659);
  assertEquals(packetsDue(4_000_000, 1000, 2600), 59);
  assertEquals(packetsDue(4_000_000, 10, 5000), 0);
});
