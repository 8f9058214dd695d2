import { assert, assertEquals } from "../lib/testing.ts";
import { DEFAULT_KV, HELP, parseFlags } from "./flags.ts";

Deno.test("defaults, and every flag parsed", () => {
  assertEquals(parseFlags([]), {
    kind: "run",
    config: { port: 8000, hostname: "127.0.0.1", kv: DEFAULT_KV, interval: 15, rate: 50 },
  });
  assertEquals(
    parseFlags([
      "--port",
      "0",
      "--hostname",
      "0.0.0.0",
      "--kv",
      ":memory:",
      "--interval=1",
      "--rate",
      "0",
    ]),
    { kind: "run", config: { port: 0, hostname: "0.0.0.0", kv: ":memory:", interval: 1, rate: 0 } },
  );
  assertEquals(parseFlags(["--help"]), { kind: "help" });
  for (const f of ["--port", "--hostname", "--kv", "--interval", "--rate", "--help"]) {
    assert(HELP.includes(f), `help explains ${f}`);
  }
});

Deno.test("bad flags give an error that names the problem", () => {
  const cases: [string[], string][] = [
    [["--port", "70000"], "--port"],
    [["--port", "http"], "--port"],
    [["--interval", "0"], "--interval"],
    [["--interval", "1.5"], "--interval"],
    [["--rate", "-1"], "--rate"],
    [["--bogus"], "bogus"],
    [["extra"], "extra"],
    [["--kv", ""], "--kv"],
    [["--port"], "port"],
  ];
  for (const [args, word] of cases) {
    const r = parseFlags(args);
    assert(r.kind === "error" && r.message.includes(word), `${args}: ${JSON.stringify(r)}`);
  }
});
