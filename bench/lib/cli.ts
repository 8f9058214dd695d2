/**
 * Command-line options of the benchmark scripts: node:util's parseArgs with `-h`/`--help`
 * (the usage on stdout, exit 0), and for an unknown option, a missing value or a number out
 * of its range one line on stderr, exit 2, instead of an uncaught exception's stack or a run
 * on NaN.
 */
import process from "node:process";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { argsErrorMessage, checkNumber, type NumberRange } from "../../lib/net/cli_args.ts";

export { checkNumber, intRange, type NumberRange, numberRange } from "../../lib/net/cli_args.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The values parseArgs gives for `options`. */
export type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true }>
>["values"];

/** What {@link readArgs} found: the values and positionals, or a help text or an error. */
export type ArgsResult<T> =
  | { readonly ok: true; readonly values: T; readonly positionals: readonly string[] }
  | { readonly ok: false; readonly code: 0 | 2; readonly text: string };

/**
 * Parses `args` against `options` (strict; at most `positionals` positional arguments, none
 * by default). `-h`/`--help` gives `usage` with code 0; anything refused gives one line,
 * "`name`: what is wrong (--help lists the options)", with code 2.
 */
export function readArgs<O extends Options>(
  name: string,
  usage: string,
  args: readonly string[],
  options: O,
  positionals = 0,
): ArgsResult<Values<O>> {
  if (args.includes("-h") || args.includes("--help")) return { ok: false, code: 0, text: usage };
  const refused = (why: string) => ({
    ok: false as const,
    code: 2 as const,
    text: `${name}: ${why} (--help lists the options)`,
  });
  try {
    const r = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    if (r.positionals.length > positionals) {
      return refused(
        positionals === 0
          ? `unexpected argument '${r.positionals[0]}'`
          : `at most ${positionals} arguments, got ${r.positionals.length}`,
      );
    }
    return { ok: true, values: r.values as Values<O>, positionals: r.positionals };
  } catch (e) {
    return { ok: false, code: 2, text: `${name}: ${argsErrorMessage(name, e, args)}` };
  }
}

/** Prints `name: message` on stderr and exits 2: a value the script cannot use. */
export function refuse(name: string, message: string): never {
  console.error(`${name}: ${message}`);
  process.exit(2);
}

/** {@link readArgs}, then for help or an error: prints it and exits with its code. */
export function benchCli<O extends Options>(
  name: string,
  usage: string,
  args: readonly string[],
  options: O,
  positionals = 0,
): { values: Values<O>; positionals: readonly string[] } {
  const r = readArgs(name, usage, args, options, positionals);
  if (r.ok) return r;
  if (r.code === 0) console.log(r.text);
  else console.error(r.text);
  process.exit(r.code);
}

/** {@link benchCli} for a script without positional arguments: the values. */
export function benchArgs<O extends Options>(
  name: string,
  usage: string,
  args: readonly string[],
  options: O,
): Values<O> {
  return benchCli(name, usage, args, options).values;
}

/**
 * The options named in `ranges`, read from `values` (parseArgs' strings) as numbers within
 * their ranges; at the first bad one, `name: --option must be ...` on stderr and exit 2.
 */
export function benchNumbers<K extends string>(
  name: string,
  values: { readonly [k in NoInfer<K>]?: string },
  ranges: { readonly [k in K]: NumberRange },
): { [k in K]: number } {
  const out = {} as { [k in K]: number };
  for (const k of Object.keys(ranges) as K[]) {
    const x = checkNumber(`--${k}`, values[k] ?? "", ranges[k]);
    if (typeof x === "string") refuse(name, x);
    out[k] = x;
  }
  return out;
}

/** `text` if it is one of `choices`; otherwise `name: --flag ...` on stderr and exit 2. */
export function benchChoice<C extends string>(
  name: string,
  flag: string,
  text: string,
  choices: readonly C[],
): C {
  if ((choices as readonly string[]).includes(text)) return text as C;
  refuse(name, `${flag} must be one of ${choices.join(", ")}, got "${text}"`);
}
