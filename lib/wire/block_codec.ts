/**
 * The data block datagram read and written directly, without the array of its elements the
 * general path (layout.ts, plain_cbor.ts) builds on the way: a relaying peer decodes and
 * encodes little else, thousands a second, and those arrays were a third of the garbage it
 * made per block (bench/README.md, "Session 32"). Both give way to the general path on
 * anything else: the reader on any byte it does not expect (which that path then accepts,
 * refuses or leaves to cbor-x), the writer on any message but a data block's. What either
 * does, the general path does the same (block_codec_test.ts holds them to it).
 */
import type { BlockMsg, DataBlock, Msg } from "./messages.ts";
import { WIRE_VERSION } from "./budget.ts";
import {
  beginRead,
  beginWrite,
  endRead,
  endWrite,
  readArrayHead,
  readBool,
  readBytes,
  readUint,
  writeArrayHead,
  writeValue,
} from "./plain_cbor.ts";
import { checkWire, TYPE_CODE, TYPE_LENGTH } from "./layout.ts";

const BLOCK = TYPE_CODE.block;
const BLOCK_LENGTH = TYPE_LENGTH[BLOCK];
/** The elements of a data block: kind 0, seq, srcTime, payload. */
const DATA_LENGTH = 4;

/**
 * The channel tag and message of `bytes` when they are a well-formed data block datagram in
 * plain CBOR (the payload a view of `bytes`, as decodeDatagram makes it); undefined for
 * anything else, left to the general path.
 */
export function readDataBlockDatagram(
  bytes: Uint8Array,
): { readonly ok: true; readonly tag: number; readonly msg: Msg } | undefined {
  beginRead(bytes);
  const length = readArrayHead(), version = readUint(), tag = readUint(), type = readUint();
  const club = readUint(), hop = readUint(), n = readUint(), repair = readBool();
  const blockLength = readArrayHead(), kind = readUint(), seq = readUint(), srcTime = readUint();
  const payload = readBytes();
  if (!endRead()) return undefined;
  if (
    length !== BLOCK_LENGTH || version !== WIRE_VERSION || type !== BLOCK ||
    blockLength !== DATA_LENGTH || kind !== 0
  ) return undefined;
  // The same shapes, in the same order, as the general path's (layout.ts `unpack`, `blockOf`).
  const block = { kind: "data", seq, srcTime, payload } as DataBlock;
  const msg: BlockMsg = { t: "block", club, hop, n, repair, block };
  // The wire's limits (a club, a counter, a payload's length) are the general path's to say.
  try {
    checkWire(tag, msg);
  } catch {
    return undefined;
  }
  return { ok: true, tag, msg };
}

/**
 * Writes `msg`, when it is a data block's, into `into` from `start` (before `end`) and returns
 * the bytes written; -1 for any other message or one that does not fit, for the general path.
 * Throws RangeError, as encodeDatagram, on a bad tag or message.
 */
export function writeDataBlockDatagram(
  tag: number,
  msg: Msg,
  into: Uint8Array,
  start: number,
  end: number,
): number {
  // Anything may come here (the encoder is called with what a caller made): look before reading.
  if (typeof msg !== "object" || msg === null || msg.t !== "block") return -1;
  const b = msg.block;
  if (typeof b !== "object" || b === null || b.kind !== "data") return -1;
  checkWire(tag, msg);
  beginWrite(into, start, end);
  writeArrayHead(BLOCK_LENGTH);
  writeValue(WIRE_VERSION);
  writeValue(tag);
  writeValue(BLOCK);
  writeValue(msg.club);
  writeValue(msg.hop);
  writeValue(msg.n);
  writeValue(msg.repair);
  writeArrayHead(DATA_LENGTH);
  writeValue(0);
  writeValue(b.seq);
  writeValue(b.srcTime);
  writeValue(b.payload);
  return endWrite();
}
