/**
 * The Merkle tree over one batch of data blocks (sha256, domain-separated).
 *
 * Leaf (exact bytes hashed, all integers big-endian):
 *
 *     leaf = sha256( 0x00 || "clubcast/leaf/v1" || tag u32 || seq u64 || srcTime u64 || payload )
 *
 * where "clubcast/leaf/v1" is the 16 ASCII bytes of that string and `tag` is the channel
 * tag (see channel_tag.ts). The payload runs to the end, so its length needs no
 * field: the other fields are fixed-width.
 *
 * Inner node: `sha256( 0x01 || left || right )`. A level with an odd number of nodes
 * promotes its last node unchanged to the next level; the root of a single leaf is that
 * leaf. The 0x00 / 0x01 prefixes keep a leaf from ever being read as an inner node.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { LEAF_BYTES } from "../wire/budget.ts";
import type { DataBlock } from "../wire/messages.ts";
import { isU32, isU64 } from "./shape.ts";

/** Bytes in a leaf hash and in the root (the wire format's LEAF_BYTES). */
export const HASH_BYTES = LEAF_BYTES;

const LEAF_PREFIX = new Uint8Array([0x00, ...new TextEncoder().encode("clubcast/leaf/v1")]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** Writes a u64 (a safe integer) big-endian at `at`. */
export function putU64(view: DataView, at: number, x: number): void {
  view.setUint32(at, Math.floor(x / 0x1_0000_0000));
  view.setUint32(at + 4, x >>> 0);
}

/**
 * The sha256 leaf hash of a data block on the channel `tag` (see the module comment for
 * the exact bytes). Throws RangeError if tag, seq or srcTime do not fit their fields.
 *
 * @example
 * ```ts
 * import { leafHash } from "./merkle.ts";
 * const l = leafHash(7, { kind: "data", seq: 1, srcTime: 2, payload: new Uint8Array(3) });
 * if (l.length !== 32) throw new Error();
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
  return sha256.create().update(LEAF_PREFIX).update(head).update(block.payload).digest();
}

/** Hashes an inner node of the tree: sha256(0x01 || left || right). */
export type NodeHash = (left: Uint8Array, right: Uint8Array) => Uint8Array;

/** {@link NodeHash} with @noble/hashes (lib/net has a native one). */
export const nodeHash: NodeHash = (left, right) =>
  sha256.create().update(NODE_PREFIX).update(left).update(right).digest();

/**
 * The Merkle root of a batch's leaves, in order, its inner nodes hashed by `hashNode`.
 * Throws RangeError on an empty list.
 *
 * @example
 * ```ts
 * import { merkleRoot } from "./merkle.ts";
 * const a = new Uint8Array(32).fill(1);
 * if (merkleRoot([a]) !== a) throw new Error("one leaf is its own root");
 * ```
 */
export function merkleRoot(
  leaves: readonly Uint8Array[],
  hashNode: NodeHash = nodeHash,
): Uint8Array {
  if (leaves.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
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
