import { assertEquals } from "../../lib/testing.ts";
import { parseMarkCompact } from "./heap_watch.ts";

Deno.test("parseMarkCompact reads a V8 --trace-gc major GC line", () => {
  const line = "[123:0x55d0]    73340 ms: Incremental Mark-Compact 19.5 (46.6) -> 11.8 (45.1) " +
    "MB, pooled: 1.0 MB, 3.70 / 0.00 ms (+ 14.8 ms in 98 steps)";
  assertEquals(parseMarkCompact(line), { before: 19.5, live: 11.8, committed: 45.1 });
  assertEquals(parseMarkCompact("[1:0x1] 5 ms: Scavenge 2.1 (3.0) -> 1.9 (4.0) MB"), undefined);
});
