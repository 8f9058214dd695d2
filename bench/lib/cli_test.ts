import { assert, assertEquals } from "../../lib/testing.ts";
import { readArgs } from "./cli.ts";

const OPTIONS = {
  json: { type: "boolean", default: false },
  seconds: { type: "string", default: "10" },
} as const;

Deno.test("bench args: values with their defaults", () => {
  const r = readArgs("b", "usage", ["--seconds", "3"], OPTIONS);
  assert(r.ok);
  assertEquals([r.values.seconds, r.values.json], ["3", false]);
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

Deno.test("bench args: an unknown option or a missing value is one line and the usage, code 2", () => {
  for (const args of [["--bogus"], ["--seconds"], ["stray"]]) {
    const r = readArgs("b", "usage", args, OPTIONS);
    assert(!r.ok && r.code === 2, JSON.stringify(args));
    assert(/^b: .+\n\nusage$/.test(r.text), r.text);
  }
});
