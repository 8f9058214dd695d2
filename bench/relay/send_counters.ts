/**
 * The relay benchmark's sender stamps each block datagram with its connection's counter as the
 * datagram goes out, not when it is made: a trial is made seconds before it is sent, and a
 * connection the peer drops meanwhile is made again with a counter that starts again
 * (lib/peer/conn_counter.ts). Stamped when made, the rest of the trial would carry the old
 * connection's numbers and the peer would drop every block of it as a spoofer's.
 */
import { wireCounter } from "../../lib/peer/conn_counter.ts";
import { beginWrite, endWrite, writeValue } from "../../lib/wire/plain_cbor.ts";

/** Bytes of a CBOR unsigned integer's head `h`, -1 if `h` is not one. */
function uintBytes(h: number): number {
  if (h < 0x18) return 1;
  return h === 0x18 ? 2 : h === 0x19 ? 3 : h === 0x1a ? 5 : h === 0x1b ? 9 : -1;
}

/**
 * The counter every block datagram of a trial is made with (blocks.ts), a placeholder 5 bytes
 * long on the wire, as most stamped counters are, so that the stamp nearly always fits in
 * place.
 */
export const UNSTAMPED = 2 ** 31;

/** Where a counter's bytes are written first, by the wire's own writer. */
const scratch = new Uint8Array(9);

/**
 * Where each of a block datagram's first six fields starts (`[version, tag, 0, club, hop, n,
 * ...]`: see docs/protocol.md, "Messages"), or undefined if `d` is not laid out so.
 */
function blockFields(d: Uint8Array): number[] | undefined {
  if (d[0] !== 0x88) return undefined;
  const starts: number[] = [];
  for (let field = 0, at = 1; field < 6; field++) {
    const len = uintBytes(d[at]);
    if (len < 0 || at + len > d.length) return undefined;
    if (field === 2 && d[at] !== 0) return undefined; // the type: 0, a block
    starts.push(at);
    at += len;
  }
  return starts;
}

/** The small unsigned integer (a club) at `at` of `d`, -1 if it is not one. */
function clubAt(d: Uint8Array, at: number): number {
  const h = d[at];
  return h < 0x18 ? h : h === 0x18 ? d[at + 1] : -1;
}

/**
 * Block datagram `d` with counter `n` (below 2^32): `d` itself, rewritten in place, when the
 * new counter takes as many bytes on the wire as the old one; a new datagram otherwise (for a
 * datagram made with the {@link UNSTAMPED} placeholder, about 1 in 65,536). Undefined if `d`
 * is not a block datagram.
 */
export function withCounter(d: Uint8Array, n: number): Uint8Array | undefined {
  const at = blockFields(d)?.[5];
  return at === undefined ? undefined : rewrite(d, at, n);
}

/** `d` with the unsigned integer at `at` replaced by `n`: in place if it fits exactly. */
function rewrite(d: Uint8Array, at: number, n: number): Uint8Array {
  beginWrite(scratch, 0, scratch.length);
  writeValue(n);
  const len = endWrite();
  const old = uintBytes(d[at]);
  const out = len === old ? d : new Uint8Array(d.length - old + len);
  if (out !== d) {
    out.set(d.subarray(0, at));
    out.set(d.subarray(at + old), at + len);
  }
  for (let i = 0; i < len; i++) out[at + i] = scratch[i];
  return out;
}

/**
 * A sender's connections to one peer, one per club: which are open, and their counters,
 * stamped into the datagrams as they go out.
 */
export class SendCounters {
  /** Live blocks sent on each club's connection since it was (re)opened. */
  readonly #n: number[];
  /** Each club's connection secret (the peer's cookie it carries), which offsets its counter. */
  readonly #secret: number[];
  readonly #open: boolean[];

  /** `clubs` clubs' connections, none open yet. */
  constructor(clubs: number) {
    this.#n = new Array(clubs).fill(0);
    this.#secret = new Array(clubs).fill(0);
    this.#open = new Array(clubs).fill(false);
  }

  /** The connection of `club` was (re)opened with `secret`: its count starts again. */
  open(club: number, secret: number): void {
    this.#n[club] = 0;
    this.#secret[club] = secret;
    this.#open[club] = true;
  }

  /** The connection of `club` was dropped: its blocks are no longer sent. */
  close(club: number): void {
    this.#open[club] = false;
  }

  /** True when the connection of `club` is open. */
  isOpen(club: number): boolean {
    return this.#open[club] === true;
  }

  /** The number of open connections. */
  get openCount(): number {
    return this.#open.filter((o) => o).length;
  }

  /**
   * Block datagram `d` stamped with the next count of its club's connection (see
   * {@link withCounter}); undefined, and nothing counted, if `d` is not a block datagram or
   * its club's connection is not open: a source sends nothing on a connection the peer
   * dropped.
   */
  stamp(d: Uint8Array): Uint8Array | undefined {
    const fields = blockFields(d);
    if (fields === undefined) return undefined;
    const club = clubAt(d, fields[3]);
    if (!this.#open[club]) return undefined;
    return rewrite(d, fields[5], wireCounter(this.#secret[club], ++this.#n[club]));
  }
}
