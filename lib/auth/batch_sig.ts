/**
 * The exact bytes the source signs for one batch. All integers big-endian, fixed width:
 *
 * | bytes | field                                        |
 * |------:|----------------------------------------------|
 * |    17 | ASCII "clubcast/batch/v1"                    |
 * |     4 | tag (u32, the channel tag)                   |
 * |     8 | seq (u64, the auth block's own seq)          |
 * |     8 | srcTime (u64, ms on the source's clock)      |
 * |     4 | count (u32, data blocks covered, 1..32)      |
 * |     8 | bitrate (u64, bits per second)               |
 * |     4 | threshold (u32, ms)                          |
 * |    16 | root (Merkle root of the leaves, merkle.ts)  |
 *
 * 69 bytes in all. Signing the header with the root means a relay cannot change the
 * bitrate or threshold the source announced, nor move a batch to other seqs.
 */
import type { AuthBlock } from "../wire/messages.ts";
import { HASH_BYTES, putU64 } from "./merkle.ts";
import { isU32, isU64, MAX_BATCH } from "./shape.ts";

/** An auth block's signed header: everything but its leaves and signature. */
export type BatchHeader = Pick<AuthBlock, "seq" | "srcTime" | "count" | "bitrate" | "threshold">;

const DOMAIN = new TextEncoder().encode("clubcast/batch/v1");

/** Length of {@link batchMessage}'s output. */
export const BATCH_MESSAGE_BYTES = DOMAIN.length + 4 + 8 + 8 + 4 + 8 + 4 + HASH_BYTES;

/** Throws RangeError unless every header field fits its width and the range starts >= 0. */
export function checkHeader(h: BatchHeader): void {
  if (!isU64(h.seq) || !isU64(h.srcTime)) throw new RangeError("seq and srcTime must be u64");
  if (!Number.isInteger(h.count) || h.count < 1 || h.count > MAX_BATCH) {
    throw new RangeError(`count must be 1..${MAX_BATCH}, got ${h.count}`);
  }
  if (h.seq < h.count) throw new RangeError("a batch cannot start before seq 0");
  if (!isU64(h.bitrate)) throw new RangeError(`bitrate must be a u64 integer, got ${h.bitrate}`);
  if (!isU32(h.threshold)) throw new RangeError(`threshold must be a u32, got ${h.threshold}`);
}

/**
 * The message signed for a batch (layout in the module comment). Throws RangeError if a
 * field does not fit or the root is not HASH_BYTES (16) long.
 *
 * @example
 * ```ts
 * import { batchMessage } from "./batch_sig.ts";
 * const h = { seq: 12, srcTime: 5, count: 12, bitrate: 2_000_000, threshold: 300 };
 * if (batchMessage(9, h, new Uint8Array(16)).length !== 69) throw new Error();
 * ```
 */
export function batchMessage(tag: number, h: BatchHeader, root: Uint8Array): Uint8Array {
  if (!isU32(tag)) throw new RangeError(`bad channel tag ${tag}`);
  checkHeader(h);
  if (root.length !== HASH_BYTES) throw new RangeError(`the root is ${HASH_BYTES} bytes`);
  const out = new Uint8Array(BATCH_MESSAGE_BYTES);
  const view = new DataView(out.buffer);
  out.set(DOMAIN, 0);
  let at = DOMAIN.length;
  view.setUint32(at, tag);
  putU64(view, at + 4, h.seq);
  putU64(view, at + 12, h.srcTime);
  view.setUint32(at + 20, h.count);
  putU64(view, at + 24, h.bitrate);
  view.setUint32(at + 32, h.threshold);
  at += 36;
  out.set(root, at);
  return out;
}
