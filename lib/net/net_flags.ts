/**
 * The command-line flags of the UDP socket that `peer` and `source` share: `--bind`,
 * `--port`, `--up-kbps` and the testing flag `--impair`, with their parseArgs options and
 * their checks; and what every program says when node:util's parseArgs refuses its command
 * line ({@link argsErrorMessage}).
 */
import { type Impairment, parseImpairment } from "./impair.ts";

/** What the socket flags say. */
export interface NetFlags {
  readonly bind: string;
  readonly port: number;
  readonly impair: Impairment | undefined;
  /** Upload cap, kbit/s (0: none). */
  readonly upKbps: number;
}

/** The largest `--up-kbps` (10 Gbit/s), for the check and the help texts. */
export const UP_KBPS_MAX = 10_000_000;

/** The parseArgs options of the socket flags, with their defaults. */
export const NET_FLAG_OPTIONS = {
  port: { type: "string", default: "0" },
  bind: { type: "string", default: "0.0.0.0" },
  impair: { type: "string" },
  "up-kbps": { type: "string", default: "0" },
} as const;

/** `text` as an integer from `lo` to `hi`, or the message saying what is wrong with `--name`. */
export function intFlag(name: string, text: string, lo: number, hi: number): number | string {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < lo || n > hi) {
    return `--${name} must be an integer from ${lo} to ${hi}, got "${text}"`;
  }
  return n;
}

/** Checks the parsed socket flags; a message for the user when one is wrong. */
export function parseNetFlags(
  v: {
    readonly port?: string;
    readonly bind?: string;
    readonly impair?: string;
    readonly "up-kbps"?: string;
  },
): NetFlags | string {
  const port = intFlag("port", v.port ?? "0", 0, 65535);
  if (typeof port === "string") return port;
  const upKbps = intFlag("up-kbps", v["up-kbps"] ?? "0", 0, UP_KBPS_MAX);
  if (typeof upKbps === "string") return upKbps;
  let impair: Impairment | undefined;
  if (v.impair !== undefined) {
    try {
      impair = parseImpairment(v.impair);
    } catch (e) {
      return `--impair: ${(e as Error).message}`;
    }
  }
  return { bind: v.bind ?? "0.0.0.0", port, impair, upKbps };
}

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
