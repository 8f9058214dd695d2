import { parseArgs } from "node:util";
import { assert, assertEquals } from "../testing.ts";
import { argsErrorMessage, checkNumber, intFlag, intRange, numberRange } from "./cli_args.ts";

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

Deno.test("checkNumber: a number outside its range is refused with the flag and the range", () => {
  assertEquals(checkNumber("--n", "7", intRange(1, 10)), 7);
  assertEquals(checkNumber("--f", "0.5", numberRange(0, 1)), 0.5);
  assertEquals(
    checkNumber("--n", "abc", intRange(1, 10)),
    '--n must be an integer from 1 to 10, got "abc"',
  );
  assertEquals(checkNumber("--n", "1.5", intRange(1)), '--n must be an integer >= 1, got "1.5"');
  assertEquals(checkNumber("--n", "", intRange(0)), '--n must be an integer >= 0, got ""');
  assertEquals(
    checkNumber("--f", "2", numberRange(0, 1)),
    '--f must be a number from 0 to 1, got "2"',
  );
  assertEquals(checkNumber("--f", "NaN", numberRange(0)), '--f must be a number >= 0, got "NaN"');
});

Deno.test("intFlag: an integer flag's range, named with its dashes", () => {
  assertEquals(intFlag("delay", "7", 0, 9), 7);
  assertEquals(intFlag("delay", " ", 0, 9), '--delay must be an integer from 0 to 9, got " "');
  assertEquals(intFlag("delay", "1.5", 0, 9), '--delay must be an integer from 0 to 9, got "1.5"');
});
