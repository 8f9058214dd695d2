/**
 * Structural checks on blocks that came from the network. The codec hands the core plain
 * objects; before a block's numbers go into fixed-width hash and signature inputs they must
 * fit those widths. A block that fails these checks is treated as forged, never thrown on.
 */
import { MAX_BATCH } from "../wire/budget.ts";
import type { AuthBlock, Block, DataBlock } from "../wire/messages.ts";

/** Most data blocks one auth block may cover (the wire format's limit, 1..32). */
export { MAX_BATCH } from "../wire/budget.ts";

/** True iff x is an integer in [0, 2^53 - 1]: what a u64 field can carry from a number. */
export function isU64(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

/** True iff x is an integer in [0, 2^32 - 1]. */
export function isU32(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
}

/** True iff the data block's fields are well-typed and fit the leaf hash input. */
export function dataShapeOk(b: DataBlock): boolean {
  return b.kind === "data" && isU64(b.seq) && isU64(b.srcTime) && b.payload instanceof Uint8Array;
}

/**
 * True iff the auth block is well-formed: header fields fit their widths, `count` is 1..32
 * and equals the number of leaves, the covered range starts at seq >= 0, every leaf is
 * `leafBytes` long and the signature `sigBytes` long.
 */
export function authShapeOk(a: AuthBlock, leafBytes: number, sigBytes: number): boolean {
  if (a.kind !== "auth" || !isU64(a.seq) || !isU64(a.srcTime)) return false;
  if (!Number.isInteger(a.count) || a.count < 1 || a.count > MAX_BATCH) return false;
  if (a.seq < a.count || !isU64(a.bitrate) || !isU32(a.threshold)) return false;
  if (!Array.isArray(a.leaves) || a.leaves.length !== a.count) return false;
  for (const l of a.leaves) if (!(l instanceof Uint8Array) || l.length !== leafBytes) return false;
  return a.sig instanceof Uint8Array && a.sig.length === sigBytes;
}

/** True iff the two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True iff `a` and `b` are the same block: every field, the payload's or the leaves' and
 * signature's bytes. A copy of a verified block that differs is a forgery (peer.ts).
 */
export function sameBlock(a: Block, b: Block): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.seq !== b.seq || a.srcTime !== b.srcTime) return false;
  if (a.kind === "data") return bytesEqual(a.payload, (b as DataBlock).payload);
  const o = b as AuthBlock;
  if (
    a.count !== o.count || a.bitrate !== o.bitrate || a.threshold !== o.threshold ||
    a.leaves.length !== o.leaves.length || !bytesEqual(a.sig, o.sig)
  ) return false;
  for (let i = 0; i < a.leaves.length; i++) if (!bytesEqual(a.leaves[i], o.leaves[i])) return false;
  return true;
}
