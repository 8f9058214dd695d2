import { assertEquals } from "../../lib/testing.ts";
import { type BlockCopy, hopsAndAges, summary } from "./hop_delay.ts";

Deno.test("hopsAndAges: first copy in to first copy out per peer, held copies apart, ages from the source", () => {
  const c = (t: number, from: number, to: number, seq: number): BlockCopy => ({ t, from, to, seq });
  const r = hopsAndAges([
    c(0, 1, 2, 7), // the source (1) to peer 2
    c(12, 2, 3, 7), // peer 2 pushes to 3 after 12 ms
    c(30, 3, 4, 7), // 3 pushes to 4 after 18 ms
    c(260, 2, 4, 7), // 2's copy held for a non-lead: later than 4's first copy
    c(100, 1, 2, 8),
    c(360, 2, 3, 8), // held only: 260 ms
  ]);
  assertEquals(r.source, 1);
  assertEquals(r.hops.sort((a, b) => a - b), [12, 18]);
  assertEquals(r.held, 1);
  assertEquals(r.ages.sort((a, b) => a - b), [0, 0, 12, 30, 260]);
  assertEquals(summary([1, 2, 3, 10]), { n: 4, median: 2.5, mean: 4, p90: 10, p99: 10 });
});
