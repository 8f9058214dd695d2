/**
 * What a restarted source needs from the run before it, kept in a file beside its key
 * (`<key file>.state`): the next block number and the UDP port.
 *
 * - **Block numbers.** A peer takes a sequence number it has seen as that block: a restarted
 *   source that numbered from 0 again would have its blocks dropped as old, or be banned for
 *   sending blocks that differ from those held, and its peers would never resume. The file
 *   runs ahead: before the source uses a seq, the file already says more (at least
 *   {@link RESERVE_LOW} more; it is written {@link RESERVE} ahead), so even after a crash
 *   (SIGKILL) the restarted source numbers on past its last block, and peers pass over at
 *   most {@link RESERVE} numbers that never carried a block. A clean stop writes the exact
 *   next number.
 * - **Port.** Peers know the source by its address (it is never dropped as surplus, thin
 *   clubs and last-resort repairs go to it): a source that comes back on the same port is
 *   the same source to them at once. Without `--port`, the source binds the port it had if
 *   it is free.
 *
 * Writes go to a temporary file renamed over the old one, so a crash mid-write leaves the
 * old file whole.
 *
 *     {"clubcast":"source-state/v1","channel":"<channel id>","next":<seq>,"port":<udp port>}
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";

/**
 * How far ahead of the next seq the file is written: the most numbers a crash leaves unused
 * (a peer passes over them, and asks around for them as if lost, so they should be few).
 * At 2 Mbit/s (about 220 blocks a second) the file is written some 14 times a second.
 */
export const RESERVE = 32;
/**
 * The file is written again when it is less than this far ahead of the next seq: more than
 * the blocks one input slice can make (source/session.ts).
 */
export const RESERVE_LOW = 16;

const KIND = "source-state/v1";

/** What the file says. */
export interface SourceStateData {
  readonly channel: string;
  /** No block of the channel has this seq or a higher one yet. */
  readonly next: number;
  /** The UDP port the source had (0: unknown). */
  readonly port: number;
}

/** Where the state of the key at `keyPath` is kept. */
export function statePathOf(keyPath: string): string {
  return `${keyPath}.state`;
}

/** The state file of one channel. */
export class SourceState {
  readonly path: string;
  readonly channel: string;
  /** The first seq this run uses (what the file said, or 0). */
  readonly first: number;
  /** The port the last run had (0: none known). */
  readonly lastPort: number;
  /** Why the file was not used at start (unreadable, another channel's), if so. */
  readonly note: string | undefined;
  /** The port this run has, written with every update. */
  port = 0;
  /** Seqs below this are covered by what the file says. */
  #covered: number;
  /** The last write error, and whether it was reported since the last good write. */
  #error: string | undefined;
  #reported = false;

  /** Reads the file at `path` for `channel`; a missing file means a new channel (seq 0). */
  constructor(path: string, channel: string) {
    this.path = path;
    this.channel = channel;
    let got: SourceStateData | undefined;
    let note: string | undefined;
    let text: string | undefined;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      if ((e as { code?: string }).code !== "ENOENT") note = `cannot read ${path}: ${e}`;
    }
    if (text !== undefined) {
      const parsed = parseState(text);
      if (parsed instanceof Error) note = `${path}: ${parsed.message}`;
      else if (parsed.channel !== channel) note = `${path} is another channel's`;
      else got = parsed;
    }
    this.first = got?.next ?? 0;
    this.lastPort = got?.port ?? 0;
    this.note = note;
    this.#covered = this.first;
  }

  /**
   * Call before making blocks numbered from `next` on: writes the file ahead if it is less
   * than {@link RESERVE_LOW} ahead. Returns an error message on the first failed write since
   * the last good one (so it is said once), else undefined.
   */
  cover(next: number): string | undefined {
    if (next + RESERVE_LOW <= this.#covered) return undefined;
    return this.#write(next + RESERVE) ? undefined : this.#once();
  }

  /** A clean stop: the file says exactly `next`, so a restart leaves no gap. */
  close(next: number): string | undefined {
    return this.#write(next) ? undefined : this.#once();
  }

  #write(next: number): boolean {
    const tmp = `${this.path}.tmp`;
    try {
      writeFileSync(tmp, stateText({ channel: this.channel, next, port: this.port }), {
        mode: 0o600,
      });
      renameSync(tmp, this.path);
    } catch (e) {
      this.#error = `cannot write ${this.path}: ${(e as Error).message}`;
      return false;
    }
    this.#covered = next;
    this.#reported = false;
    return true;
  }

  /** The write error, the first time it happens since the last good write. */
  #once(): string | undefined {
    if (this.#reported) return undefined;
    this.#reported = true;
    return this.#error;
  }
}

/** The file's text. */
export function stateText(s: SourceStateData): string {
  return `${JSON.stringify({ clubcast: KIND, channel: s.channel, next: s.next, port: s.port })}\n`;
}

/** Parses a state file; an Error says what is wrong with it. */
export function parseState(text: string): SourceStateData | Error {
  let v: { clubcast?: unknown; channel?: unknown; next?: unknown; port?: unknown };
  try {
    v = JSON.parse(text);
  } catch {
    return new Error("not a clubcast source state file (not JSON)");
  }
  if (v?.clubcast !== KIND) return new Error(`not a clubcast source state file (want "${KIND}")`);
  if (typeof v.channel !== "string") return new Error("the state file names no channel");
  const n = v.next, port = v.port;
  if (!Number.isSafeInteger(n) || (n as number) < 0) {
    return new Error("the state file's next is not a sequence number");
  }
  if (!Number.isSafeInteger(port) || (port as number) < 0 || (port as number) > 65535) {
    return new Error("the state file's port is not a port");
  }
  return { channel: v.channel, next: n as number, port: port as number };
}
