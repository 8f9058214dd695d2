/**
 * Command line of the `peer` program, parsed with node:util's parseArgs into a checked
 * configuration, help, or an error that says what is wrong. Never throws.
 */
import { parseArgs } from "node:util";
import { parseAddr } from "../lib/net/addr.ts";
import { IMPAIR_SPEC } from "../lib/net/impair.ts";
import {
  NET_FLAG_OPTIONS,
  type NetFlags,
  parseNetFlags,
  UP_KBPS_MAX,
} from "../lib/net/net_flags.ts";
import { argsErrorMessage, intFlag } from "../lib/net/cli_args.ts";
import { type AnnounceTarget, parseAnnounceUrl } from "./announce_url.ts";

/** A peer's settings (the socket's among them). */
export interface PeerConfig extends NetFlags {
  readonly kind: "run";
  readonly target: AnnounceTarget;
  /** Write the stream here instead of stdout. */
  readonly out: string | undefined;
  /** Serve the stream over HTTP at this "host:port". */
  readonly http: string | undefined;
  /** Print a JSON stats line every second on stderr. */
  readonly statsJson: boolean;
  /** Target play delay, ms. */
  readonly delayMs: number;
  /** Write from the first played block instead of waiting for a keyframe (ts_gate.ts). */
  readonly raw: boolean;
}

/** What the command line asks for. */
export type PeerFlags =
  | PeerConfig
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "error"; readonly message: string };

/** The range of `--delay`, ms. */
export const DELAY_MIN_MS = 200, DELAY_MAX_MS = 60_000;

/** The `--help` text. */
export const HELP =
  `clubcast peer: watches a clubcast channel; writes the live MPEG-TS stream to stdout

Usage:
  peer <announce-url> [options]

  <announce-url>  <tracker>/c/<channel>, as the source printed it; every block is checked
                  against the channel key in the URL
  --out FILE      write the stream to FILE instead of stdout (checked before joining)
  --http ADDR     serve the stream over HTTP at ADDR (host:port) instead of stdout, e.g.
                  for VLC or mpv: mpv http://127.0.0.1:8080/ (with --out: as well)
  --stats json    print one JSON line of statistics per second on stderr
  --delay MS      target play delay behind the source, ${DELAY_MIN_MS}..${DELAY_MAX_MS} ms (default 3000)
  --raw           write from the first block received; by default the output starts at a
                  keyframe (the PAT before it), so players start without decoding errors
  --port N        UDP port, 0..65535 (default 0: any free port)
  --bind ADDR     UDP address to bind (default 0.0.0.0)
  --up-kbps N     cap this program's upload at N kbit/s, 0..${UP_KBPS_MAX} (default 0: no cap);
                  set it near your uplink so the protocol sees congestion instead of the OS
                  dropping
  --impair SPEC   testing only: impair outgoing datagrams; SPEC is
                  ${IMPAIR_SPEC}, e.g. loss=0.02,delay=10
  -h, --help      this text

Watch:  peer <announce-url> | ffplay -        (or: | mpv -, | vlc -)
Until the broadcast starts (or while the tracker is unreachable) it waits, asking every
second, until Ctrl-C. It exits cleanly, telling the tracker it left, when the player quits or
on Ctrl-C.`;

/** Parses the peer's arguments. */
export function parseFlags(args: readonly string[]): PeerFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        http: { type: "string" },
        stats: { type: "string" },
        delay: { type: "string", default: "3000" },
        raw: { type: "boolean", default: false },
        ...NET_FLAG_OPTIONS,
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    return { kind: "error", message: argsErrorMessage("peer", e, args) };
  }
  const v = parsed.values;
  if (v.help) return { kind: "help", text: HELP };
  const err = (message: string): PeerFlags => ({ kind: "error", message });
  if (parsed.positionals.length !== 1) {
    return err(
      parsed.positionals.length === 0
        ? "give the announce URL: peer <tracker>/c/<channel> (see peer --help)"
        : `one announce URL please, got ${parsed.positionals.length} arguments`,
    );
  }
  const target = parseAnnounceUrl(parsed.positionals[0]);
  if (target instanceof Error) return err(target.message);
  if (v.stats !== undefined && v.stats !== "json") return err(`--stats takes "json"`);
  if (v.out !== undefined && v.out.trim() === "") return err("--out is empty");
  if (v.http !== undefined && !parseAddr(v.http.replace(/:0$/, ":1"))) {
    return err(`--http wants host:port (e.g. 127.0.0.1:8080), got "${v.http}"`);
  }
  const delayMs = intFlag("delay", v.delay, DELAY_MIN_MS, DELAY_MAX_MS);
  if (typeof delayMs === "string") return err(delayMs);
  const net = parseNetFlags(v);
  if (typeof net === "string") return err(net);
  return {
    ...net,
    kind: "run",
    target,
    out: v.out,
    http: v.http,
    statsJson: v.stats === "json",
    delayMs,
    raw: v.raw,
  };
}
