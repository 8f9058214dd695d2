/**
 * The authentication interfaces the core uses, and their real implementations (sha256
 * Merkle leaves, ed25519 batch signatures). The simulator swaps in the cheap stand-in of
 * standin.ts through the same interfaces.
 */
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import type { AuthBlock, DataBlock } from "../wire/messages.ts";
import { type BatchHeader, batchMessage, checkHeader } from "./batch_sig.ts";
import { channelTag } from "./channel_tag.ts";
import { HASH_BYTES, leafHash, merkleRoot, type NodeHash } from "./merkle.ts";
import { authShapeOk } from "./shape.ts";
import { SIG_BYTES } from "../wire/budget.ts";

// @noble/ed25519 v3's synchronous API needs a sha512; one assignment serves the process.
ed.hashes.sha512 = sha512;

/** Bytes in an ed25519 signature. */
export { SIG_BYTES } from "../wire/budget.ts";

/** What a peer needs to authenticate blocks. */
export interface AuthSuite {
  /** A comparable leaf for a data block (real: the 32-byte sha256 leaf). */
  leaf(block: DataBlock): Uint8Array;
  /**
   * True iff auth's signature is valid for its leaves, batch header and the channel key.
   * Never throws: a malformed auth block is simply not valid.
   */
  verifyAuth(auth: AuthBlock): boolean;
}

/** What the source needs to close a batch: turns a header and the leaves into an auth block. */
export interface BatchSigner {
  /**
   * The auth block for a batch. `leaves.length` must equal `fields.count`; throws
   * RangeError on a header that does not fit the wire format.
   */
  seal(fields: BatchHeader, leaves: readonly Uint8Array[]): AuthBlock;
}

/**
 * The real verifier for the channel whose ed25519 public key is `publicKey`; `tag`
 * defaults to {@link channelTag} of the key.
 *
 * @example
 * ```ts
 * import * as ed from "@noble/ed25519";
 * import { ed25519Signer, ed25519Suite } from "./suite.ts";
 * const { secretKey, publicKey } = ed.keygen();
 * const suite = ed25519Suite(publicKey);
 * const data = { kind: "data" as const, seq: 0, srcTime: 0, payload: new Uint8Array(4) };
 * const auth = ed25519Signer(secretKey).seal(
 *   { seq: 1, srcTime: 0, count: 1, bitrate: 0, threshold: 0 }, [suite.leaf(data)]);
 * if (!suite.verifyAuth(auth)) throw new Error();
 * ```
 */
export function ed25519Suite(
  publicKey: Uint8Array,
  tag = channelTag(publicKey),
  checked?: CheckedAuths,
): AuthSuite {
  const key = Uint8Array.from(publicKey);
  return {
    leaf: (block) => leafHash(tag, block),
    verifyAuth: (auth) => {
      if (!authShapeOk(auth, HASH_BYTES, SIG_BYTES)) return false;
      const known = checked?.get(auth);
      if (known !== undefined) return known;
      try {
        return ed.verify(auth.sig, signedBytes(tag, auth)!, key);
      } catch {
        return false; // a signature the library cannot even parse is no signature
      }
    },
  };
}

/**
 * Verdicts on auth blocks already checked elsewhere (lib/net/native_verify.ts checks them
 * with the runtime's native ed25519 before the core sees them), keyed by the very object
 * the core is then given: the same check, done once and fast.
 */
export type CheckedAuths = WeakMap<AuthBlock, boolean>;

/**
 * The bytes an auth block's signature covers, or undefined if its shape is wrong; the
 * tree's inner nodes hashed by `hashNode` (@noble/hashes by default).
 */
export function signedBytes(
  tag: number,
  auth: AuthBlock,
  hashNode?: NodeHash,
): Uint8Array | undefined {
  if (!authShapeOk(auth, HASH_BYTES, SIG_BYTES)) return undefined;
  return batchMessage(tag, auth, merkleRoot(auth.leaves, hashNode));
}

/**
 * The real batch signer for the channel whose 32-byte ed25519 secret key seed is
 * `secretKey`; `tag` defaults to {@link channelTag} of its public key.
 */
export function ed25519Signer(secretKey: Uint8Array, tag?: number): BatchSigner {
  const key = Uint8Array.from(secretKey);
  const t = tag ?? channelTag(ed.getPublicKey(key));
  return {
    seal: (fields, leaves) => {
      checkHeader(fields);
      if (leaves.length !== fields.count) {
        throw new RangeError(`count ${fields.count} but ${leaves.length} leaves`);
      }
      const { seq, srcTime, count, bitrate, threshold } = fields;
      const sig = ed.sign(batchMessage(t, fields, merkleRoot(leaves)), key);
      return { kind: "auth", seq, srcTime, count, bitrate, threshold, leaves: [...leaves], sig };
    },
  };
}
