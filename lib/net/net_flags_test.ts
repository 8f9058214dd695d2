import { parseArgs } from "node:util";
import { assert, assertEquals } from "../testing.ts";
import { argsErrorMessage, intFlag, parseNetFlags } from "./net_flags.ts";

Deno.test("net flags: defaults, checked numbers, the impairment parsed", () => {
  assertEquals(parseNetFlags({}), { bind: "0.0.0.0", port: 0, impair: undefined, upKbps: 0 });
  assertEquals(
    parseNetFlags({ port: "70000" }),
    '--port must be an integer from 0 to 65535, got "70000"',
  );
  assertEquals(
    parseNetFlags({ "up-kbps": "x" }),
    '--up-kbps must be an integer from 0 to 10000000, got "x"',
  );
  assertEquals((parseNetFlags({ impair: "loss=0.02" }) as { impair: unknown }).impair, {
    loss: 0.02,
  });
  assertEquals(typeof parseNetFlags({ impair: "loss=-1" }), "string");
  assertEquals(intFlag("delay", " ", 0, 9), '--delay must be an integer from 0 to 9, got " "');
});

Deno.test("argsErrorMessage: parseArgs's refusals as one line naming the flag", () => {
  const options = {
    peers: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  } as const;
  const message = (args: string[], allowPositionals = true) => {
    try {
      parseArgs({ args, options, strict: true, allowPositionals });
    } catch (e) {
      return argsErrorMessage("sim", e, args);
    }
    throw new Error(`parseArgs took ${args}`);
  };
  const cases: [string[], string][] = [
    [["--bogus"], "unknown option --bogus (see sim --help)"],
    [["-hx"], "unknown option -x (see sim --help)"],
    [["--peers"], "--peers needs a value (see sim --help)"],
    [["--peers", "--json"], "--peers needs a value (see sim --help)"],
    [
      ["--json", "--peers", "-3"],
      '--peers got "-3": a value starting with "-" must be written --peers=-3 ' +
      "(see sim --help for the allowed range)",
    ],
    [
      ["--peers", "-.5"],
      '--peers got "-.5": a value starting with "-" must be written ' +
      "--peers=-.5 (see sim --help for the allowed range)",
    ],
    [["--json=1"], "--json takes no value (see sim --help)"],
  ];
  for (const [args, want] of cases) assertEquals(message(args), want, args.join(" "));
  assertEquals(
    message(["extra"], false),
    'unexpected argument "extra": sim takes flags only (see sim --help)',
  );
  // Anything else: the first line of parseArgs's text, never a quote left open or a newline.
  const other = argsErrorMessage("sim", new Error("something new\nmore"), []);
  assertEquals(other, "something new (see sim --help)");
  assert(!message(["--bogus"]).includes("'"));
});
