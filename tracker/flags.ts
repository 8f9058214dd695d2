/**
 * Command-line flags of the `tracker` program, parsed with node:util's parseArgs into a
 * checked configuration, a request for help, or an error that says what is wrong.
 */
import { parseArgs } from "node:util";

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

/** The `--help` text. */
export const HELP = `clubcast tracker: introduces the peers of clubcast channels (HTTP, Deno KV)

Usage: deno task tracker [flags]

  --port N         TCP port to listen on (default 8000; 0 picks a free one)
  --hostname H     address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --kv WHERE       Deno KV store: a file path (default ./${DEFAULT_KV}), :memory: for a
                   throwaway store, or the http(s) URL of a denokv server (set
                   DENO_KV_ACCESS_TOKEN)
  --interval S     heartbeat interval in seconds that peers are told (default 15); a peer is
                   dropped 3 intervals after its last announce
  --rate R         requests per second allowed per client address (IPv6: per /64), burst 2R
                   (default 50); each address may also hold at most 64 live peers per
                   channel. 0 turns both limits off (load tests from one machine)
  --help           show this text

API: docs/tracker-api.md`;

function int(name: string, text: string, lo: number, hi: number): number | string {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < lo || n > hi) {
    return `--${name} must be an integer from ${lo} to ${hi}, got "${text}"`;
  }
  return n;
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
    const why = err instanceof Error ? err.message : String(err);
    return { kind: "error", message: `${why}\nRun with --help for the flags.` };
  }
  if (values.help) return { kind: "help" };
  const port = int("port", values.port, 0, 65535);
  const interval = int("interval", values.interval, 1, 3600);
  const rate = int("rate", values.rate, 0, 1_000_000);
  for (const v of [port, interval, rate]) {
    if (typeof v === "string") return { kind: "error", message: v };
  }
  if (values.hostname.trim() === "") return { kind: "error", message: "--hostname is empty" };
  if (values.kv.trim() === "") return { kind: "error", message: "--kv is empty" };
  return {
    kind: "run",
    config: {
      port: port as number,
      hostname: values.hostname,
      kv: values.kv,
      interval: interval as number,
      rate: rate as number,
    },
  };
}
