import { assert, assertEquals } from "../lib/testing.ts";
import { parseFlags } from "./flags.ts";

Deno.test("source flags: the defaults", () => {
  assertEquals(parseFlags(["--tracker", "http://127.0.0.1:8000/"]), {
    kind: "stream",
    tracker: "http://127.0.0.1:8000",
    key: undefined,
    clubs: 12,
    input: "-",
    bind: "0.0.0.0",
    port: 0,
    impair: undefined,
    upKbps: 0,
  });
});

Deno.test("source flags: every option", () => {
  const f = parseFlags([
    "--tracker=https://t.example/x/",
    "--key",
    "k.key",
    "--clubs",
    "8",
    "--input",
    "in.ts",
    "--port",
    "9000",
    "--bind",
    "127.0.0.1",
    "--impair",
    "loss=0.02",
    "--up-kbps",
    "8000",
  ]);
  assertEquals(f, {
    kind: "stream",
    tracker: "https://t.example/x",
    key: "k.key",
    clubs: 8,
    input: "in.ts",
    bind: "127.0.0.1",
    port: 9000,
    impair: { loss: 0.02 },
    upKbps: 8000,
  });
});

Deno.test("source flags: keygen and help", () => {
  assertEquals(parseFlags(["keygen", "--out", "a.key"]), {
    kind: "keygen",
    out: "a.key",
    force: false,
  });
  assertEquals(parseFlags(["keygen", "--force"]), { kind: "keygen", out: undefined, force: true });
  assertEquals(parseFlags(["--help"]).kind, "help");
  assertEquals(parseFlags(["keygen", "-h"]).kind, "help");
});

Deno.test("source flags: mistakes are errors that say what is wrong", () => {
  const cases: [string[], string][] = [
    [[], "--tracker URL is required"],
    [["--tracker", "nope"], "not a URL"],
    [["--tracker", "ftp://x"], "http or https"],
    [["--tracker", "http://x/?a=1"], "query"],
    [
      ["--tracker", "http://h:8000/c/GX9rI-FshTLGq8g4-s1ep4m-DHaykgM0A5v6iz02jWE"],
      "--tracker wants the tracker's base URL (e.g. http://h:8000), not an announce URL",
    ],
    [["--tracker", "http://h/t/c/x"], "(e.g. http://h/t), not an announce URL"],
    [["--tracker", "http://x", "--clubs", "1"], "--clubs must be an integer from 2 to 256"],
    [["--tracker", "http://x", "--port", "x"], "--port must be"],
    [["--tracker", "http://x", "--up-kbps", "1.5"], "--up-kbps must be"],
    [["--tracker", "http://x", "--impair", "loss=7"], "--impair"],
    [["--tracker", "http://x", "--bogus"], "unknown option --bogus (see source --help)"],
    [["keygen", "--out", ""], "--out is empty"],
    [["keygen", "--bogus"], "unknown option --bogus (see source keygen --help)"],
    [["--tracker", "http://x", "--clubs", "-3"], '--clubs got "-3": a value starting with "-"'],
  ];
  for (const [args, why] of cases) {
    const f = parseFlags(args);
    assert(f.kind === "error" && f.message.includes(why), `${args}: ${JSON.stringify(f)}`);
  }
});
