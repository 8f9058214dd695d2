/**
 * Command line of the `source` program, parsed with node:util's parseArgs into a checked
 * request, help, or an error that says what is wrong. Never throws.
 */
import { parseArgs } from "node:util";
import { NET_FLAG_OPTIONS, type NetFlags, parseNetFlags } from "../lib/net/net_flags.ts";
import { argsErrorMessage, intFlag } from "../lib/net/cli_args.ts";

/** Stream a channel (with the socket's settings). */
export interface StreamConfig extends NetFlags {
  readonly kind: "stream";
  /** Tracker base URL, no trailing slash. */
  readonly tracker: string;
  /** Key file; undefined means the default place (key.ts). */
  readonly key: string | undefined;
  readonly clubs: number;
  /** "-" for stdin, or a file (a FIFO, a growing file). */
  readonly input: string;
}

/** Make a key file. */
export interface KeygenConfig {
  readonly kind: "keygen";
  readonly out: string | undefined;
  readonly force: boolean;
}

/** What the command line asks for. */
export type SourceFlags =
  | StreamConfig
  | KeygenConfig
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "error"; readonly message: string };

/** The `--help` text. */
export const HELP = `clubcast source: broadcasts a live MPEG-TS stream to a clubcast swarm

Usage:
  source --tracker URL [options]          broadcast stdin (or --input) on the channel
  source keygen [--out FILE] [--force]    make a key file (see the end)

Options:
  --tracker URL   the tracker's base URL, e.g. http://127.0.0.1:8000
  --key FILE      the channel's key file (default: $XDG_CONFIG_HOME/clubcast/source.key,
                  i.e. ~/.config/clubcast/source.key; %APPDATA%\\clubcast\\source.key on
                  Windows), made on first use and kept: the same key is the same channel.
                  Without HOME or XDG_CONFIG_HOME, --key is needed
  --clubs N       number of clubs, 2..256 (default 12)
  --input -|FILE  the MPEG-TS stream: - for stdin (default), or a file or FIFO, read as it
                  comes (pace a recorded file with ffmpeg -re); input that ends before any
                  data exits 1, input that is not MPEG-TS is warned about and sent as bytes
  --port N        UDP port (default 0: any free port)
  --bind ADDR     UDP address to bind (default 0.0.0.0)
  --up-kbps N     cap this program's upload at N kbit/s (default 0: no cap); set it near
                  your uplink so the protocol sees congestion instead of the OS dropping
  --impair SPEC   testing only: impair outgoing datagrams, e.g. loss=0.02,delay=10
  -h, --help      this text

The first line on stdout is the announce URL to give viewers:  peer <URL> | ffplay -
Status goes to stderr. Feed it from ffmpeg, e.g.
  ffmpeg -re -i in.mp4 -c copy -f mpegts - | source --tracker http://127.0.0.1:8000

keygen writes a new key file (mode 0600; --out FILE, default the --key default above) and
prints its channel id; it never replaces an existing file unless --force.`;

/**
 * Checks a tracker URL: http(s), no query, not an announce URL (`.../c/<channel>`, easily
 * pasted by mistake); returns it without a trailing slash.
 */
export function checkTrackerUrl(text: string): string | Error {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return new Error(`--tracker "${text}" is not a URL (e.g. http://127.0.0.1:8000)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    return new Error(`--tracker must be an http or https URL, got "${text}"`);
  }
  if (u.search || u.hash) return new Error("--tracker must not have a query or fragment");
  const announce = u.pathname.indexOf("/c/");
  if (announce >= 0) {
    return new Error(
      `--tracker wants the tracker's base URL (e.g. ${u.origin}${
        u.pathname.slice(0, announce)
      }), not an announce URL`,
    );
  }
  return `${u.origin}${u.pathname}`.replace(/\/+$/, "");
}

/** Parses the source's arguments. */
export function parseFlags(args: readonly string[]): SourceFlags {
  const keygen = args[0] === "keygen";
  let parsed;
  try {
    parsed = parseArgs({
      args: keygen ? args.slice(1) : [...args],
      strict: true,
      allowPositionals: false,
      options: keygen
        ? {
          out: { type: "string" },
          force: { type: "boolean", default: false },
          help: { type: "boolean", short: "h", default: false },
        }
        : {
          tracker: { type: "string" },
          key: { type: "string" },
          clubs: { type: "string", default: "12" },
          input: { type: "string", default: "-" },
          ...NET_FLAG_OPTIONS,
          help: { type: "boolean", short: "h", default: false },
        },
    });
  } catch (e) {
    return {
      kind: "error",
      message: argsErrorMessage(
        keygen ? "source keygen" : "source",
        e,
        keygen ? args.slice(1) : args,
      ),
    };
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) return { kind: "help", text: HELP };
  if (keygen) {
    const out = v.out as string | undefined;
    if (out !== undefined && out.trim() === "") return { kind: "error", message: "--out is empty" };
    return { kind: "keygen", out, force: v.force === true };
  }
  if (v.tracker === undefined) {
    return { kind: "error", message: "--tracker URL is required\nRun with --help for the flags." };
  }
  const tracker = checkTrackerUrl(v.tracker as string);
  if (tracker instanceof Error) return { kind: "error", message: tracker.message };
  const clubs = intFlag("clubs", v.clubs as string, 2, 256);
  if (typeof clubs === "string") return { kind: "error", message: clubs };
  const net = parseNetFlags(v as Record<string, string | undefined>);
  if (typeof net === "string") return { kind: "error", message: net };
  const input = v.input as string;
  if (input.trim() === "") return { kind: "error", message: "--input is empty" };
  return {
    ...net,
    kind: "stream",
    tracker,
    key: v.key as string | undefined,
    clubs,
    input,
  };
}
