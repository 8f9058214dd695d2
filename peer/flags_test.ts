import { assert, assertEquals } from "../lib/testing.ts";
import { parseFlags } from "./flags.ts";

const URL_ = "http://127.0.0.1:8000/c/GX9rI-FshTLGq8g4-s1ep4m-DHaykgM0A5v6iz02jWE";

Deno.test("peer flags: the defaults", () => {
  const f = parseFlags([URL_]);
  assert(f.kind === "run");
  assertEquals(f.target.tracker, "http://127.0.0.1:8000");
  assertEquals(
    [f.out, f.http, f.statsJson, f.delayMs, f.raw, f.bind, f.port, f.impair, f.upKbps],
    [undefined, undefined, false, 3000, false, "0.0.0.0", 0, undefined, 0],
  );
});

Deno.test("peer flags: every option", () => {
  const f = parseFlags([
    "--out",
    "x.ts",
    URL_,
    "--http",
    "127.0.0.1:8080",
    "--stats",
    "json",
    "--delay",
    "1500",
    "--raw",
    "--port",
    "7000",
    "--bind",
    "127.0.0.1",
    "--impair",
    "loss=0.02",
    "--up-kbps",
    "6000",
  ]);
  assert(f.kind === "run");
  assertEquals(
    [f.out, f.http, f.statsJson, f.delayMs, f.raw, f.bind, f.port, f.impair, f.upKbps],
    ["x.ts", "127.0.0.1:8080", true, 1500, true, "127.0.0.1", 7000, { loss: 0.02 }, 6000],
  );
});

Deno.test("peer flags: help, and mistakes that say what is wrong", () => {
  assertEquals(parseFlags(["-h"]).kind, "help");
  const cases: [string[], string][] = [
    [[], "give the announce URL"],
    [[URL_, URL_], "one announce URL"],
    [["http://x/nothing"], "no /c/<channel>"],
    [[URL_, "--stats", "csv"], "--stats takes"],
    [[URL_, "--http", "8080"], "--http wants host:port"],
    [[URL_, "--delay", "10"], "--delay must be"],
    [[URL_, "--up-kbps", "x"], "--up-kbps must be"],
    [[URL_, "--impair", "loss=3"], "--impair"],
    [[URL_, "--what"], "unknown option --what (see peer --help)"],
  ];
  for (const [args, why] of cases) {
    const f = parseFlags(args);
    assert(f.kind === "error" && f.message.includes(why), `${args}: ${JSON.stringify(f)}`);
  }
});
