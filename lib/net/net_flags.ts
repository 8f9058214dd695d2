/**
 * The command-line flags of the UDP socket that `peer` and `source` share: `--bind`,
 * `--port`, `--up-kbps` and the testing flag `--impair`, with their parseArgs options and
 * their checks.
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
  const upKbps = intFlag("up-kbps", v["up-kbps"] ?? "0", 0, 10_000_000);
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
