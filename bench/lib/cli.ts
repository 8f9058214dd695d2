/**
 * Command-line options of the benchmark scripts: node:util's parseArgs with `-h`/`--help`
 * (the usage on stdout, exit 0) and, for an unknown option or a missing value, one line on
 * stderr and the usage, exit 2, instead of an uncaught exception's stack.
 */
import process from "node:process";
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The values parseArgs gives for `options`. */
export type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true }>
>["values"];

/** What {@link readArgs} found: the values, or a help text or an error to show. */
export type ArgsResult<T> =
  | { readonly ok: true; readonly values: T }
  | { readonly ok: false; readonly code: 0 | 2; readonly text: string };

/**
 * Parses `args` against `options` (strict, no positionals). `-h`/`--help` gives `usage` with
 * code 0; anything parseArgs refuses gives "`name`: its message", then `usage`, with code 2.
 */
export function readArgs<O extends Options>(
  name: string,
  usage: string,
  args: readonly string[],
  options: O,
): ArgsResult<Values<O>> {
  if (args.includes("-h") || args.includes("--help")) return { ok: false, code: 0, text: usage };
  try {
    const { values } = parseArgs({ args: [...args], options, strict: true });
    return { ok: true, values };
  } catch (e) {
    return { ok: false, code: 2, text: `${name}: ${(e as Error).message}\n\n${usage}` };
  }
}

/** {@link readArgs}, then for help or an error: prints it and exits with its code. */
export function benchArgs<O extends Options>(
  name: string,
  usage: string,
  args: readonly string[],
  options: O,
): Values<O> {
  const r = readArgs(name, usage, args, options);
  if (r.ok) return r.values;
  if (r.code === 0) console.log(r.text);
  else console.error(r.text);
  process.exit(r.code);
}
