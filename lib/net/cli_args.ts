/**
 * What every program's command line shares: the one-line message when node:util's parseArgs
 * refuses it ({@link argsErrorMessage}), and the check of a number flag against its range
 * ({@link checkNumber}), so that peer, source, tracker, sim, demo and the benchmarks word
 * both alike.
 */

/**
 * The one-line message for an error node:util's parseArgs threw on `args` (without the
 * "program: " prefix the caller adds). parseArgs's own texts are several lines, talk about
 * positional arguments where the user mistyped a flag, and one of them leaves a quote open.
 * A value that starts with "-" (`--peers -3`) is "ambiguous" to parseArgs: the message says
 * how to write it, or that the flag lacks its value when what follows is another flag.
 */
export function argsErrorMessage(program: string, err: unknown, args: readonly string[]): string {
  const text = err instanceof Error ? err.message : String(err);
  const see = `(see ${program} --help)`;
  let m = /^Unknown option '([^']*)'/.exec(text);
  if (m) return `unknown option ${m[1].startsWith("-") ? m[1] : `-${m[1]}`} ${see}`;
  m = /^Option '([^' ]+)(?: <value>)?' argument (missing|is ambiguous)/.exec(text);
  if (m) {
    const flag = m[1];
    const next = args[args.indexOf(flag) + 1];
    if (m[2] === "is ambiguous" && next !== undefined && /^-\.?\d/.test(next)) {
      return `${flag} got "${next}": a value starting with "-" must be written ${flag}=${next} ` +
        `(see ${program} --help for the allowed range)`;
    }
    return `${flag} needs a value ${see}`;
  }
  m = /^Option '([^']+)' does not take an argument/.exec(text);
  if (m) return `${m[1]} takes no value ${see}`;
  m = /^Unexpected argument '(.*)'\. /.exec(text);
  if (m) return `unexpected argument "${m[1]}": ${program} takes flags only ${see}`;
  return `${text.split("\n")[0]} ${see}`;
}

/** A number option's allowed values, `lo` to `hi` inclusive; whole numbers if `integer`. */
export interface NumberRange {
  readonly lo: number;
  readonly hi: number;
  readonly integer: boolean;
}

/** Whole numbers from `lo` to `hi` (no upper bound by default). */
export const intRange = (lo: number, hi = Infinity): NumberRange => ({ lo, hi, integer: true });

/** Any numbers from `lo` to `hi` (no upper bound by default). */
export const numberRange = (lo: number, hi = Infinity): NumberRange => ({ lo, hi, integer: false });

/** `text` as a number within `range`, or the one-line reason it is not, naming `flag`. */
export function checkNumber(flag: string, text: string, range: NumberRange): number | string {
  const x = Number(text);
  const { lo, hi, integer } = range;
  if (text.trim() !== "" && x >= lo && x <= hi && (!integer || Number.isInteger(x))) return x;
  const kind = integer ? "an integer" : "a number";
  const span = hi === Infinity ? `>= ${lo}` : `from ${lo} to ${hi}`;
  return `${flag} must be ${kind} ${span}, got "${text}"`;
}

/** `text` as an integer from `lo` to `hi`, or the message saying what is wrong with `--name`. */
export function intFlag(name: string, text: string, lo: number, hi: number): number | string {
  return checkNumber(`--${name}`, text, intRange(lo, hi));
}
