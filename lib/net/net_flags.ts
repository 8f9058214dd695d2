/**
 * The command-line flags of the UDP socket that `peer` and `source` share: `--bind`,
 * `--port`, `--up-kbps` and the testing flag `--impair`, with their parseArgs options and
 * their checks.
 */
import { intFlag } from "./cli_args.ts";
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
