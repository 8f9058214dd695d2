/**
 * The Merkle tree over one batch of data blocks (sha256 truncated to 16 bytes,
 * domain-separated).
 *
 * Leaf (exact bytes hashed, all integers big-endian):
 *
 *     leaf = sha256( 0x00 || "clubcast/leaf/v1" || tag u32 || seq u64 || srcTime u64 || payload )[0..16]
 *
 * where "clubcast/leaf/v1" is the 16 ASCII bytes of that string, `tag` is the channel
 * tag (see channel_tag.ts) and `[0..16]` keeps the digest's first 16 bytes. The payload
 * runs to the end, so its length needs no field: the other fields are fixed-width.
 *
 * Inner node: `sha256( 0x01 || left || right )[0..16]`. A level with an odd number of nodes
 * promotes its last node unchanged to the next level; the root of a single leaf is that
 * leaf. The 0x00 / 0x01 prefixes keep a leaf from ever being read as an inner node.
 *
 * Why 16 bytes: every auth block carries a batch's leaves, and auth blocks travel a backup
 * path on purpose, so their bytes are a visible share of every peer's download (12 leaves
 * of 32 bytes were 384 of a typical auth block's 494 bytes). Only the source chooses what is
 * hashed, so a forger must find a second preimage of a given 128-bit hash, not a
 * collision: docs/security.md, "Truncated hashes".
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { LEAF_BYTES } from "../wire/budget.ts";
import type { DataBlock } from "../wire/messages.ts";
import { isU32, isU64 } from "./shape.ts";

/** Bytes in a leaf hash, an inner node and the root (the wire format's LEAF_BYTES, 16). */
export const HASH_BYTES = LEAF_BYTES;

const LEAF_PREFIX = new Uint8Array([0x00, ...new TextEncoder().encode("clubcast/leaf/v1")]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** Writes a u64 (a safe integer) big-endian at `at`. */
export function putU64(view: DataView, at: number, x: number): void {
  view.setUint32(at, Math.floor(x / 0x1_0000_0000));
  view.setUint32(at + 4, x >>> 0);
}

/**
 * The leaf hash of a data block on the channel `tag`, {@link HASH_BYTES} long (see the
 * module comment for the exact bytes). Throws RangeError if tag, seq or srcTime do not fit
 * their fields.
 *
 * @example
 * ```ts
 * import { leafHash } from "./merkle.ts";
 * const l = leafHash(7, { kind: "data", seq: 1, srcTime: 2, payload: new Uint8Array(3) });
 * if (l.length !== 16) throw new Error();
 * ```
 */
export function leafHash(tag: number, block: DataBlock): Uint8Array {
  if (!isU32(tag)) throw new RangeError(`bad channel tag ${tag}`);
  if (!isU64(block.seq)) throw new RangeError(`bad seq ${block.seq}`);
  if (!isU64(block.srcTime)) throw new RangeError(`bad srcTime ${block.srcTime}`);
  const head = new Uint8Array(20);
  const view = new DataView(head.buffer);
  view.setUint32(0, tag);
  putU64(view, 4, block.seq);
  putU64(view, 12, block.srcTime);
  return truncate(sha256.create().update(LEAF_PREFIX).update(head).update(block.payload).digest());
}

/** The first {@link HASH_BYTES} of a sha256 digest, in a buffer of their own. */
export function truncate(digest: Uint8Array): Uint8Array {
  return digest.slice(0, HASH_BYTES);
}

/** Hashes an inner node of the tree: sha256(0x01 || left || right)[0..16]. */
export type NodeHash = (left: Uint8Array, right: Uint8Array) => Uint8Array;

/** {@link NodeHash} with @noble/hashes (lib/net has a native one). */
export const nodeHash: NodeHash = (left, right) =>
  truncate(sha256.create().update(NODE_PREFIX).update(left).update(right).digest());

/**
 * The Merkle root of a batch's leaves, in order, its inner nodes hashed by `hashNode`.
 * Throws RangeError on an empty list or a leaf that is not {@link HASH_BYTES} long (a
 * 32-byte leaf of wire version 1 is not a leaf here).
 *
 * @example
 * ```ts
 * import { merkleRoot } from "./merkle.ts";
 * const a = new Uint8Array(16).fill(1);
 * if (merkleRoot([a]) !== a) throw new Error("one leaf is its own root");
 * ```
 */
export function merkleRoot(
  leaves: readonly Uint8Array[],
  hashNode: NodeHash = nodeHash,
): Uint8Array {
  if (leaves.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
  for (const l of leaves) {
    if (l.length !== HASH_BYTES) throw new RangeError(`a leaf is ${HASH_BYTES} bytes`);
  }
  let level = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(hashNode(level[i], level[i + 1]));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}
