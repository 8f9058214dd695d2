import { assert, assertEquals } from "../../lib/testing.ts";
import { readArgs } from "./cli.ts";

const OPTIONS = {
  json: { type: "boolean", default: false },
  seconds: { type: "string", default: "10" },
} as const;

Deno.test("bench args: values with their defaults", () => {
  const r = readArgs("b", "usage", ["--seconds", "3"], OPTIONS);
  assert(r.ok);
  assertEquals([r.values.seconds, r.values.json, r.positionals], ["3", false, []]);
});

Deno.test("bench args: -h and --help give the usage, code 0", () => {
  for (const h of ["-h", "--help"]) {
    assertEquals(readArgs("b", "usage", ["--json", h], OPTIONS), {
      ok: false,
      code: 0,
      text: "usage",
    });
  }
});

Deno.test("bench args: an unknown option, a missing value or a stray argument is one line, code 2", () => {
  const cases: [string[], string][] = [
    [["--bogus"], "b: unknown option --bogus (see b --help)"],
    [["--seconds"], "b: --seconds needs a value (see b --help)"],
    [["stray"], "b: unexpected argument 'stray' (--help lists the options)"],
  ];
  for (const [args, text] of cases) {
    assertEquals(readArgs("b", "usage", args, OPTIONS), { ok: false, code: 2, text });
  }
  // parseArgs' three-line message for a value starting with a dash, on one line.
  assertEquals(readArgs("b", "usage", ["--seconds", "-3"], OPTIONS), {
    ok: false,
    code: 2,
    text: 'b: --seconds got "-3": a value starting with "-" must be written --seconds=-3 ' +
      "(see b --help for the allowed range)",
  });
});

Deno.test("bench args: positionals up to the number allowed", () => {
  const r = readArgs("b", "usage", ["0.1", "4", "--json"], OPTIONS, 2);
  assert(r.ok);
  assertEquals([r.positionals, r.values.json], [["0.1", "4"], true]);
  assertEquals(readArgs("b", "usage", ["--bogus"], OPTIONS, 2), {
    ok: false,
    code: 2,
    text: "b: unknown option --bogus (see b --help)",
  });
  const over = readArgs("b", "usage", ["1", "2", "3"], OPTIONS, 2);
  assert(!over.ok && over.code === 2 && over.text.includes("at most 2 arguments, got 3"));
});
