/**
 * The one cbor-x configuration of the wire: plain CBOR only (arrays, unsigned integers,
 * byte and text strings, booleans, null), no records, structured clones or typed-array tags.
 */
// "cbor-x/encode" is cbor-x without its native string extractor (cbor-extract): a Node addon that
// took about 80 ms of every program's start to load, for datagrams that carry few strings.
import { Decoder, Encoder } from "cbor-x/encode";

const encoder = new Encoder({ useRecords: false, tagUint8Array: false, structuredClone: false });
// int64AsNumber: 64-bit unsigned integers (seq/srcTime above 2^32) decode as numbers, not
// BigInts; fromWire then insists on safe integers.
const decoder = new Decoder(
  { useRecords: false, int64AsNumber: true } as ConstructorParameters<typeof Decoder>[0],
);

/** Encodes a CBOR value into a fresh, plain Uint8Array owned by the caller. */
export function encodeCbor(value: unknown): Uint8Array {
  // cbor-x hands back a Buffer view into its scratch space; copy it out.
  return new Uint8Array(encoder.encode(value));
}

/** Decodes one CBOR value filling all of `bytes`; throws on malformed or trailing data. */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}
