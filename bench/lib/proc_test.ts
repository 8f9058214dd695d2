import { assertEquals } from "../../lib/testing.ts";
import {
  cpuSeconds,
  parseCpuinfo,
  parseLoadavg,
  parseMemTotal,
  parseStat,
  parseStatusRss,
  rssBytes,
} from "./proc.ts";

// A real stat line, with a command name holding a space and a parenthesis.
const STAT = "4242 (deno (x) y) S 1 4242 4242 0 -1 4194560 12345 0 3 0 731 88 0 0 20 0 9 0 5000 " +
  "1331220480 20480 18446744073709551615 1 1 0 0 0 0 0 16781312 17442 0 0 0 17 1 0 0 0 0 0";

Deno.test("parseStat counts fields after the last parenthesis", () => {
  assertEquals(parseStat(STAT), { utime: 731, stime: 88, rssPages: 20480 });
  assertEquals(parseStat("garbage"), undefined);
  assertEquals(parseStat("1 (x) S 1 2"), undefined);
});

Deno.test("parseStatusRss reads VmRSS in bytes", () => {
  const status = "Name:\tdeno\nVmPeak:\t 999 kB\nVmRSS:\t   81920 kB\nThreads:\t9\n";
  assertEquals(parseStatusRss(status), 81920 * 1024);
  assertEquals(parseStatusRss("Name:\tx\n"), undefined);
});

Deno.test("parseLoadavg, parseCpuinfo and parseMemTotal", () => {
  assertEquals(parseLoadavg("1.50 0.75 2.00 3/400 123\n"), [1.5, 0.75, 2]);
  assertEquals(parseLoadavg("x y"), undefined);
  const info = "processor\t: 0\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n";
  assertEquals(parseCpuinfo(info), { model: "AMD EPYC", cores: 2 });
  assertEquals(parseMemTotal("MemTotal:       24000000 kB\nMemFree: 1 kB\n"), 24000000 * 1024);
});

Deno.test("this process's own CPU time and RSS are readable and positive", () => {
  if (Deno.build.os !== "linux") return;
  const cpu = cpuSeconds(Deno.pid);
  const rss = rssBytes(Deno.pid);
  assertEquals(cpu !== null && cpu >= 0, true);
  assertEquals(rss !== null && rss > 1e6, true);
  assertEquals(cpuSeconds(2 ** 30), null);
});
