import { assert, assertEquals } from "../lib/testing.ts";
import { DEFAULT_KV, envConfig, HELP, parseFlags, RANGES } from "./flags.ts";

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

Deno.test("--help gives the ranges of --interval and --rate", () => {
  assert(HELP.includes(`${RANGES.interval[0]} to ${RANGES.interval[1]}`), HELP);
  assert(HELP.includes(`${RANGES.rate[0]} to ${RANGES.rate[1]}`), HELP);
});

Deno.test("the environment's settings have the flags' defaults and ranges", () => {
  const from = (vars: Record<string, string>) => envConfig((name) => vars[name]);
  assertEquals(from({}), { kv: undefined, interval: 15, rate: 50 });
  assertEquals(
    from({ CLUBCAST_KV: ":memory:", CLUBCAST_INTERVAL: "3600", CLUBCAST_RATE: "0" }),
    { kv: ":memory:", interval: 3600, rate: 0 },
  );
  const cases: [Record<string, string>, string][] = [
    [
      { CLUBCAST_INTERVAL: "abc" },
      'CLUBCAST_INTERVAL must be an integer from 1 to 3600, got "abc"',
    ],
    [{ CLUBCAST_INTERVAL: "99999" }, "CLUBCAST_INTERVAL must be an integer from 1 to 3600"],
    [{ CLUBCAST_INTERVAL: "0" }, "CLUBCAST_INTERVAL must be"],
    [{ CLUBCAST_RATE: "-5" }, 'CLUBCAST_RATE must be an integer from 0 to 1000000, got "-5"'],
    [{ CLUBCAST_RATE: "1000001" }, "CLUBCAST_RATE must be"],
  ];
  for (const [vars, text] of cases) {
    const r = from(vars);
    assert(typeof r === "string" && r.startsWith(text), `${JSON.stringify(vars)}: ${r}`);
  }
  // The flag refuses the same value, with the flag's name.
  const flag = parseFlags(["--interval", "99999"]);
  assert(flag.kind === "error" && flag.message.startsWith("--interval must be an integer from 1"));
});
