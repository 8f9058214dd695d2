import { assertEquals, assertThrows } from "../../lib/testing.ts";
import { parseStatsLines, usage } from "./peer_cpu.ts";

Deno.test("parseStatsLines keeps the peer's JSON stats lines only", () => {
  const text = [
    "peer: joined abc as p1, clubs 0,1 of 4, UDP port 5000",
    '{"t":1,"kbpsIn":4000,"kbpsOut":3900,"skipped":0,"played":10}',
    '{"t":2,"kbpsIn":4100,"kbpsOut":4000,"skipped":2,"played":20}',
    '{"t":3,"kbpsIn":41', // cut off mid-line
    "",
  ].join("\n");
  const lines = parseStatsLines(text);
  assertEquals(lines.map((l) => [l.kbpsIn, l.skipped]), [[4000, 0], [4100, 2]]);
});

Deno.test("usage: CPU percent of one core over the window, RSS growth in MiB", () => {
  const MiB = 2 ** 20;
  const u = usage([
    { t: 10_000, cpu: 5, rss: 100 * MiB },
    { t: 20_000, cpu: 5.2, rss: 101 * MiB },
    { t: 30_000, cpu: 5.6, rss: 103.5 * MiB },
  ]);
  assertEquals(u, { cpuPercent: 3, rssStartMiB: 100, rssEndMiB: 103.5, rssGrowthMiB: 3.5 });
  assertThrows(() => usage([{ t: 0, cpu: 0, rss: 0 }]));
});
