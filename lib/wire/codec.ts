/**
 * Datagrams: one message per UDP datagram, as one CBOR array
 * `[version, tag, type, ...fields]` (docs/protocol.md, "Datagrams").
 *
 * @example
 * ```ts
 * import { decodeDatagram, encodeDatagram } from "./codec.ts";
 * const bytes = encodeDatagram(0xdeadbeef, { t: "ping", nonce: 7 });
 * const r = decodeDatagram(bytes);
 * if (!r.ok || r.tag !== 0xdeadbeef || r.msg.t !== "ping") throw new Error("round trip");
 * ```
 */
import type { Msg } from "./messages.ts";
import { MAX_DATAGRAM } from "./budget.ts";
import { fromWire, toWire } from "./layout.ts";
import { decodeCbor, encodeCbor } from "./cbor.ts";

/** The outcome of decoding remote bytes: a message, or why the bytes were refused. */
export type DecodeResult =
  | { readonly ok: true; readonly tag: number; readonly msg: Msg }
  | { readonly ok: false; readonly error: string };

/**
 * Encodes `msg` for the channel `tag` (the first 4 bytes of the channel's ed25519 public
 * key, big-endian; see channelTag). Throws RangeError if a field breaks a wire limit or the
 * datagram would exceed MAX_DATAGRAM: both are the caller's bugs, never the network's.
 */
export function encodeDatagram(tag: number, msg: Msg): Uint8Array {
  const out = encodeCbor(toWire(tag, msg));
  if (out.length > MAX_DATAGRAM) {
    throw new RangeError(`datagram: ${out.length} bytes exceeds ${MAX_DATAGRAM} (${msg.t})`);
  }
  return out;
}

/** Decodes remote bytes. Never throws: anything malformed or out of limits is an error value. */
export function decodeDatagram(bytes: Uint8Array): DecodeResult {
  try {
    if (!(bytes instanceof Uint8Array)) return { ok: false, error: "datagram: not bytes" };
    if (bytes.length > MAX_DATAGRAM) {
      return { ok: false, error: `datagram: ${bytes.length} bytes exceeds ${MAX_DATAGRAM}` };
    }
    if (bytes.length === 0) return { ok: false, error: "datagram: empty" };
    let value: unknown;
    try {
      value = decodeCbor(bytes);
    } catch (e) {
      return { ok: false, error: `cbor: ${message(e)}` };
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
