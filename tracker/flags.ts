/**
 * Command-line flags of the `tracker` program, parsed with node:util's parseArgs into a
 * checked configuration, a request for help, or an error that says what is wrong; and the
 * same settings read from the environment for `deno serve` (tracker/main.ts), held to the
 * same ranges by the same checks.
 */
import { parseArgs } from "node:util";
import { argsErrorMessage, checkNumber, intRange } from "../lib/net/cli_args.ts";

/** The tracker's settings from the command line. */
export interface TrackerConfig {
  readonly port: number;
  readonly hostname: string;
  /** A KV file path, ":memory:", or an http(s) URL of a denokv server. */
  readonly kv: string;
  /** Heartbeat interval, seconds. */
  readonly interval: number;
  /** Requests per second per address; 0 turns the per-address limits off. */
  readonly rate: number;
}

/** What the command line asks for. */
export type FlagsResult =
  | { readonly kind: "run"; readonly config: TrackerConfig }
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string };

/** The default KV file, relative to the working directory. */
export const DEFAULT_KV = "clubcast-tracker.kv";

/** The allowed values of the numeric settings, inclusive, for the flags and the environment. */
export const RANGES = {
  port: [0, 65535],
  interval: [1, 3600],
  rate: [0, 1_000_000],
} as const satisfies Record<string, readonly [number, number]>;

const span = (name: keyof typeof RANGES) => `${RANGES[name][0]} to ${RANGES[name][1]}`;

/** The `--help` text. */
export const HELP = `clubcast tracker: introduces the peers of clubcast channels (HTTP, Deno KV)

Usage: deno task tracker [flags]

  --port N         TCP port to listen on (default 8000; 0 picks a free one)
  --hostname H     address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --kv WHERE       Deno KV store: a file path (default ./${DEFAULT_KV}), :memory: for a
                   throwaway store, or the http(s) URL of a denokv server (set
                   DENO_KV_ACCESS_TOKEN)
  --interval S     heartbeat interval in seconds that peers are told, ${span("interval")}
                   (default 15); a peer is dropped 3 intervals after its last announce
  --rate R         requests per second allowed per client address (IPv6: per /64),
                   ${span("rate")}, burst 2R (default 50); each address may also hold at
                   most 64 live peers per channel. 0 turns both limits off (load tests from
                   one machine)
  -h, --help       show this text

API: docs/tracker-api.md`;

/** `text` as an integer within `range`, or a message naming `label` (a flag or a variable). */
/** `text` as an integer within `[lo, hi]`, or the message naming `label` and the range. */
const int = (label: string, text: string, [lo, hi]: readonly [number, number]) =>
  checkNumber(label, text, intRange(lo, hi));

/** The settings that come as flags to the CLI and as environment variables to `deno serve`. */
type Shared = Pick<TrackerConfig, "interval" | "rate">;

/**
 * Checks the shared settings' texts, the one place their ranges are enforced; `label` names
 * a setting in a message (`--interval`, `CLUBCAST_INTERVAL`).
 */
function checkShared(
  texts: Record<keyof Shared, string>,
  label: (name: keyof Shared) => string,
): Shared | string {
  const interval = int(label("interval"), texts.interval, RANGES.interval);
  if (typeof interval === "string") return interval;
  const rate = int(label("rate"), texts.rate, RANGES.rate);
  if (typeof rate === "string") return rate;
  return { interval, rate };
}

/** The environment variable of each shared setting under `deno serve`. */
export const ENV_NAMES = { interval: "CLUBCAST_INTERVAL", rate: "CLUBCAST_RATE" } as const;

/** The settings of tracker/main.ts under `deno serve`; `kv` undefined: `Deno.openKv()`. */
export interface ServeConfig extends Shared {
  readonly kv: string | undefined;
}

/**
 * Reads the `deno serve` settings through `get` (an environment lookup: undefined when a
 * variable is unset), with the flags' defaults and ranges. Never throws.
 */
export function envConfig(get: (name: string) => string | undefined): ServeConfig | string {
  const shared = checkShared(
    {
      interval: get(ENV_NAMES.interval) ?? "15",
      rate: get(ENV_NAMES.rate) ?? "50",
    },
    (name) => ENV_NAMES[name],
  );
  return typeof shared === "string" ? shared : { kv: get("CLUBCAST_KV"), ...shared };
}

/** Parses the tracker's arguments. Never throws. */
export function parseFlags(args: readonly string[]): FlagsResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string", default: "8000" },
        hostname: { type: "string", default: "127.0.0.1" },
        kv: { type: "string", default: DEFAULT_KV },
        interval: { type: "string", default: "15" },
        rate: { type: "string", default: "50" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    return { kind: "error", message: argsErrorMessage("tracker", err, args) };
  }
  if (values.help) return { kind: "help" };
  const port = int("--port", values.port, RANGES.port);
  if (typeof port === "string") return { kind: "error", message: port };
  const shared = checkShared(values, (name) => `--${name}`);
  if (typeof shared === "string") return { kind: "error", message: shared };
  if (values.hostname.trim() === "") return { kind: "error", message: "--hostname is empty" };
  if (values.kv.trim() === "") return { kind: "error", message: "--kv is empty" };
  return {
    kind: "run",
    config: {
      port,
      hostname: values.hostname,
      kv: values.kv,
      ...shared,
    },
  };
}
