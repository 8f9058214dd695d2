import { assertEquals } from "../lib/testing.ts";
import { type PeerSnapshot, statsJson, statusLine } from "./status.ts";

const snap: PeerSnapshot = {
  t: 1700000000000,
  clubs: [2, 9],
  peers: 6,
  uploads: 5,
  downloads: 13,
  kbpsIn: 2104.6,
  kbpsOut: 1799.2,
  delayMs: 2950.4,
  played: 1200,
  skipped: 3,
  bytesOut: 1_353_600,
  firstByteMs: 412,
  malformed: 0,
  forged: 1,
  lateMs: 3,
  datagramsIn: 5000,
  receiveOverflow: 12,
  wakeups: 300,
};

Deno.test("status line: the numbers a viewer wants, rounded", () => {
  assertEquals(
    statusLine(snap),
    "peers 6 | clubs 2,9 | in 2105 kbit/s | out 1799 kbit/s | delay 3.0 s | skipped 3",
  );
  assertEquals(statusLine({ ...snap, delayMs: undefined }).includes("buffering"), true);
});

Deno.test("stats json: one object with every field, nulls before playback", () => {
  assertEquals(JSON.parse(statsJson(snap)), {
    ...snap,
    kbpsIn: 2105,
    kbpsOut: 1799,
    delayMs: 2950,
  });
  const early = JSON.parse(statsJson({ ...snap, delayMs: undefined, firstByteMs: undefined }));
  assertEquals([early.delayMs, early.firstByteMs], [null, null]);
});
