/**
 * Datagrams: one message per UDP datagram, as one CBOR array
 * `[version, tag, type, ...fields]` (docs/protocol.md, "Datagrams").
 *
 * @example
 * ```ts
 * import { decodeDatagram, encodeDatagram } from "./codec.ts";
 * const bytes = encodeDatagram(0xdeadbeef, { t: "ping", nonce: 7, pad: 0 });
 * const r = decodeDatagram(bytes);
 * if (!r.ok || r.tag !== 0xdeadbeef || r.msg.t !== "ping") throw new Error("round trip");
 * ```
 */
import type { Msg } from "./messages.ts";
import { ByteArena } from "./arena.ts";
import { MAX_DATAGRAM } from "./budget.ts";
import { fromWire, layout, toWire } from "./layout.ts";
import { decodeCbor, encodeCbor } from "./cbor.ts";
import { NOT_PLAIN, readPlain, writePlain } from "./plain_cbor.ts";
import { readDataBlockDatagram, writeDataBlockDatagram } from "./block_codec.ts";

/** Where encoded datagrams are written: no buffer of its own per datagram. */
const sendArena = new ByteArena();

/** The outcome of decoding remote bytes: a message, or why the bytes were refused. */
export type DecodeResult =
  | { readonly ok: true; readonly tag: number; readonly msg: Msg }
  | { readonly ok: false; readonly error: string };

/**
 * Encodes `msg` for the channel `tag` (the first 4 bytes of the channel's ed25519 public
 * key, big-endian; see channelTag). Throws RangeError if a field breaks a wire limit or the
 * datagram would exceed MAX_DATAGRAM: both are the caller's bugs, never the network's.
 * The bytes are the caller's (often a view of a buffer shared with other datagrams, whose
 * ranges are never handed out twice: lib/wire/arena.ts). With `into` (at least MAX_DATAGRAM
 * bytes) they are written there instead, and returned as a view of it that the next call
 * overwrites: for a sender that is done with them at once (a transport that `copiesOnSend`),
 * one buffer instead of a fresh range per datagram, whose chunks a collector must free.
 */
export function encodeDatagram(tag: number, msg: Msg, into?: Uint8Array): Uint8Array {
  const own = into === undefined || into.length < MAX_DATAGRAM;
  if (own) sendArena.reserve(MAX_DATAGRAM);
  const buf = own ? sendArena.chunk : into, start = own ? sendArena.offset : 0;
  // A data block, most of what a relay sends, is written without laying it out first.
  let n = writeDataBlockDatagram(tag, msg, buf, start, start + MAX_DATAGRAM);
  if (n < 0) n = writePlain(toWire(tag, msg, false), buf, start, start + MAX_DATAGRAM);
  if (n >= 0) return own ? sendArena.commit(n) : into.subarray(0, n);
  // What the plain writer leaves to cbor-x, and datagrams too long (to say how long).
  const out = encodeCbor(layout(tag, msg));
  if (out.length > MAX_DATAGRAM) {
    throw new RangeError(`datagram: ${out.length} bytes exceeds ${MAX_DATAGRAM} (${msg.t})`);
  }
  return out;
}

/**
 * Decodes remote bytes. Never throws: anything malformed or out of limits is an error value.
 * A data block's payload is a view of `bytes`, not a copy: the bytes are the message's from
 * then on, and must not be changed (every transport hands its receiver bytes of its own).
 */
export function decodeDatagram(bytes: Uint8Array): DecodeResult {
  try {
    if (!(bytes instanceof Uint8Array)) return { ok: false, error: "datagram: not bytes" };
    if (bytes.length > MAX_DATAGRAM) {
      return { ok: false, error: `datagram: ${bytes.length} bytes exceeds ${MAX_DATAGRAM}` };
    }
    if (bytes.length === 0) return { ok: false, error: "datagram: empty" };
    // A data block, most of what a relay receives, is read without the general path's arrays.
    const block = readDataBlockDatagram(bytes);
    if (block !== undefined) return block;
    // Plain shortest-form CBOR, what every sender sends, is read without cbor-x; the rest
    // (and anything malformed) goes to cbor-x, the reference (plain_cbor.ts).
    let value = readPlain(bytes);
    if (value === NOT_PLAIN) {
      try {
        value = decodeCbor(bytes);
      } catch (e) {
        return { ok: false, error: `cbor: ${message(e)}` };
      }
    }
    const { tag, msg } = fromWire(value);
    return { ok: true, tag, msg };
  } catch (e) {
    return { ok: false, error: message(e) };
  }
}

function message(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return "malformed datagram";
  }
}
