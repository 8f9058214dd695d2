import { assert, assertEquals } from "../../lib/testing.ts";
import { DEFAULT_BATCH_COUNT } from "../../lib/source/batcher.ts";
import { inprocRound } from "./inproc.ts";

Deno.test("the in-process relay bench relays every block it hands in, and times it", async () => {
  const n = 20 * (DEFAULT_BATCH_COUNT + 1); // 20 batches of data blocks and their signatures
  const r = await inprocRound(n);
  assertEquals(r.datagrams, n);
  // One out per block in: the peer has one downstream per club, which takes every block.
  assertEquals(r.sent, n);
  assert(r.cpuUsPerDatagram > 0 && r.wallUsPerDatagram > 0);
  // Each block is decoded and encoded again: some bytes of the JS heap, whatever is saved.
  assert(r.heapBytesPerDatagram !== null && r.heapBytesPerDatagram > 100);
});
