import { assert, assertEquals } from "../../lib/testing.ts";
import { inprocRound } from "./inproc.ts";

Deno.test("the in-process relay bench relays every block it hands in, and times it", async () => {
  const r = await inprocRound(264); // 8 batches of 32 data blocks and their signatures
  assertEquals(r.datagrams, 264);
  // One out per block in: the peer has one downstream per club, which takes every block.
  assertEquals(r.sent, 264);
  assert(r.cpuUsPerDatagram > 0 && r.wallUsPerDatagram > 0);
});
