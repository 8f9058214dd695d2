/**
 * Batch signatures checked with the runtime's native ed25519 before the core sees them. The
 * core checks signatures synchronously with @noble/ed25519, pure JavaScript: about 1 ms per
 * signature warm and several cold, so a joiner verifying a few seconds of history at once
 * stalls its event loop long enough for its socket buffer to overflow. node:crypto's
 * Ed25519 (Deno and Bun both have it) takes 30-50 µs of CPU, checked synchronously, so the
 * message is not even held back; WebCrypto's, the fallback, costs more (bench/README.md:
 * 75-240 µs of CPU under Deno, and a thread hop per call).
 *
 * The same auth block reaches a peer over several connections (every in-club mesh carries
 * it): a copy identical to one already verified, field for field, leaf for leaf and
 * signature, gets that verdict without a second check. The verdicts go into a
 * {@link CheckedAuths} map that the core's suite consults first; where the runtime has no
 * Ed25519 at all, nothing changes (the core checks as before).
 */
import { Buffer } from "node:buffer";
import * as nodeCrypto from "node:crypto";
import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { HASH_BYTES, type NodeHash, nodeHash, putU64 } from "../auth/merkle.ts";
import { isU32, isU64, sameBlock } from "../auth/shape.ts";
import { ByteArena } from "../wire/arena.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import { libcryptoSha256 } from "./ffi.ts";
import { type AuthSuite, type CheckedAuths, ed25519Suite, signedBytes } from "../auth/suite.ts";
import type { AuthBlock, DataBlock, Msg } from "../wire/messages.ts";

/** Verified auth blocks remembered by seq, to answer their copies. */
const RECENT = 512;

type SyncVerify = (sig: Uint8Array, message: Uint8Array) => boolean;

/** Checks auth blocks natively, recording verdicts for the core's suite. */
export class NativeAuthCheck {
  /** Verdicts, keyed by the decoded auth block handed on to the core. */
  readonly checked: CheckedAuths = new WeakMap();
  /** Signatures really checked (copies of verified blocks are not). */
  verified = 0;
  readonly #sync: SyncVerify | undefined;
  readonly #key: CryptoKey | undefined;
  readonly #tag: number;
  readonly #recent = new Map<number, AuthBlock>();

  private constructor(tag: number, sync?: SyncVerify, key?: CryptoKey) {
    this.#tag = tag;
    this.#sync = sync;
    this.#key = key;
  }

  /**
   * A checker for the channel key `publicKey` and channel tag `tag`, or undefined when this
   * runtime has no working native Ed25519 (tested on RFC 8032's first vector: the good
   * signature must pass, and fail on another message). node:crypto's when it passes the
   * test, else WebCrypto's.
   */
  static async create(publicKey: Uint8Array, tag: number): Promise<NativeAuthCheck | undefined> {
    const test = nodeVerifier(RFC8032_1.publicKey);
    try {
      if (
        test && test(RFC8032_1.sig, new Uint8Array(0)) && !test(RFC8032_1.sig, new Uint8Array(1))
      ) {
        const sync = nodeVerifier(publicKey);
        if (sync) return new NativeAuthCheck(tag, sync);
      }
    } catch { /* try WebCrypto */ }
    try {
      const key = await importKey(RFC8032_1.publicKey);
      const good = await crypto.subtle.verify("Ed25519", key, RFC8032_1.sig, new Uint8Array(0));
      const bad = await crypto.subtle.verify("Ed25519", key, RFC8032_1.sig, new Uint8Array(1));
      if (!good || bad) return undefined;
      return new NativeAuthCheck(tag, undefined, await importKey(publicKey));
    } catch {
      return undefined;
    }
  }

  /**
   * For a message carrying an auth block: records its verdict, at once (undefined is
   * returned) or, with WebCrypto, in a promise that settles once it is recorded (the caller
   * then hands the message on). Undefined for any other message.
   */
  check(msg: Msg): Promise<void> | undefined {
    if (msg.t !== "block" || msg.block.kind !== "auth") return undefined;
    const auth = msg.block;
    const prior = this.#recent.get(auth.seq);
    if (prior !== undefined && sameBlock(prior, auth)) {
      this.checked.set(auth, true);
      return undefined;
    }
    const bytes = signedBytes(this.#tag, auth, nativeNodeHash);
    if (bytes === undefined) return undefined; // the core refuses the shape itself
    this.verified++;
    if (this.#sync) {
      let ok: boolean;
      try {
        ok = this.#sync(auth.sig, bytes);
      } catch {
        return undefined; // unparseable: leave it to the core's own check
      }
      this.#record(auth, ok);
      return undefined;
    }
    const sig = auth.sig as Uint8Array<ArrayBuffer>;
    return crypto.subtle.verify("Ed25519", this.#key!, sig, bytes as Uint8Array<ArrayBuffer>).then(
      (ok) => this.#record(auth, ok),
      () => {}, // unparseable: leave it to the core's own check
    );
  }

  /**
   * The suite a peer's core should verify with: lib/auth's ed25519Suite for the channel key
   * `publicKey`, answering from this checker's verdicts, but hashing leaves with node:crypto
   * ({@link nativeLeafHash}), the largest cost per block left (bench/README.md).
   */
  suite(publicKey: Uint8Array): AuthSuite {
    const base = ed25519Suite(publicKey, this.#tag, this.checked);
    const tag = this.#tag;
    return { leaf: (block) => nativeLeafHash(tag, block), verifyAuth: base.verifyAuth };
  }

  #record(auth: AuthBlock, ok: boolean): void {
    this.checked.set(auth, ok);
    if (!ok) return;
    this.#recent.set(auth.seq, auth);
    if (this.#recent.size > RECENT) this.#recent.delete(this.#recent.keys().next().value!);
  }
}

/** The bytes before the payload: 0x00 "clubcast/leaf/v1" (17), tag (4), seq (8), srcTime (8). */
const LEAF_HEAD = 37;
/**
 * What one leaf hashes, laid out in one reused buffer: a single call into the runtime per
 * leaf instead of five (create, three updates, digest), and no allocation but the digest.
 */
const leafInput = new Uint8Array(LEAF_HEAD + BLOCK_PAYLOAD);
leafInput.set([0x00, ...new TextEncoder().encode("clubcast/leaf/v1")]);
const leafView = new DataView(leafInput.buffer);

/** libcrypto's sha256 through FFI where it loads (ffi.ts: Deno with -A, Bun): the cheapest by far. */
const ffiSha256 = libcryptoSha256();
/** Where those hashes are written: no ArrayBuffer per hash (lib/wire/arena.ts). */
const leafArena = new ByteArena(16 * 1024);

/** node:crypto's one-shot `hash` (Node 21.7+, Deno, Bun), where the runtime has it. */
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: "buffer") => Buffer })
  .hash;

/**
 * lib/auth/merkle.ts's leafHash (sha256 truncated to HASH_BYTES), byte for byte, computed
 * natively: with libcrypto's sha256
 * where it loads (0.7-0.9 µs a block), else node:crypto's (0.8-1 µs under Bun, 5-10
 * under Deno) against 12-40 µs for @noble/hashes (bench/README.md). Throws RangeError as
 * leafHash does on a tag, seq or srcTime that does not fit its field.
 */
export function nativeLeafHash(tag: number, block: DataBlock): Uint8Array {
  const n = layLeaf(tag, block);
  if (ffiSha256 && n >= 0) return ffiDigest(leafInput, n);
  return nodeLeafHash(tag, block, n);
}

/** The inner node's input: 0x01 || left || right. */
const NODE_INPUT = 1 + 2 * HASH_BYTES;
const nodeInput = new Uint8Array(NODE_INPUT);
nodeInput[0] = 0x01;

/**
 * lib/auth/merkle.ts's nodeHash, natively (as {@link nativeLeafHash}): a batch of 12 has 11
 * inner nodes, which @noble/hashes took 20-40 µs to hash under Deno.
 */
export const nativeNodeHash: NodeHash = (left, right) => {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) return nodeHash(left, right);
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);
  if (ffiSha256) return ffiDigest(nodeInput, NODE_INPUT);
  const d = oneShot ? oneShot("sha256", nodeInput, "buffer") : createHash("sha256")
    .update(nodeInput).digest();
  return truncated(d);
};

/** Where libcrypto writes a whole digest, before its first HASH_BYTES are kept. */
const digest = new Uint8Array(32);

/**
 * libcrypto's sha256 of the first `length` bytes of `input`, truncated to HASH_BYTES fresh
 * bytes (of an arena: no ArrayBuffer each, nor a view of the input).
 */
function ffiDigest(input: Uint8Array, length: number): Uint8Array {
  ffiSha256!(input, digest, length);
  return truncated(digest);
}

/**
 * The first HASH_BYTES of digest `d`, copied into the arena. Not a view of `d.buffer`: under
 * Bun (JavaScriptCore) a small typed array has no ArrayBuffer until `.buffer` is read, and
 * that read makes one and copies into it (`get buffer` took 11 % of a relaying peer's profile,
 * bench/README.md, run L).
 */
function truncated(d: Uint8Array): Uint8Array {
  const out = leafArena.take(HASH_BYTES);
  for (let i = 0; i < HASH_BYTES; i++) out[i] = d[i];
  return out;
}

/** {@link nativeLeafHash} with node:crypto, whatever else the runtime has (tests use both). */
export function nodeLeafHash(
  tag: number,
  block: DataBlock,
  laid = layLeaf(tag, block),
): Uint8Array {
  const d = laid < 0
    ? createHash("sha256").update(leafInput.subarray(0, LEAF_HEAD)).update(block.payload).digest()
    : oneShot
    ? oneShot("sha256", leafInput.subarray(0, laid), "buffer")
    : createHash("sha256").update(leafInput.subarray(0, laid)).digest();
  return truncated(d);
}

/**
 * Lays the leaf's input out in `leafInput` and returns its length, or -1 for a payload
 * longer than the wire's (never from the wire): its head alone is laid out then, for
 * hashing in parts.
 */
function layLeaf(tag: number, block: DataBlock): number {
  if (!isU32(tag)) throw new RangeError(`bad channel tag ${tag}`);
  if (!isU64(block.seq)) throw new RangeError(`bad seq ${block.seq}`);
  if (!isU64(block.srcTime)) throw new RangeError(`bad srcTime ${block.srcTime}`);
  leafView.setUint32(17, tag);
  putU64(leafView, 21, block.seq);
  putU64(leafView, 29, block.srcTime);
  const p = block.payload;
  if (p.length > BLOCK_PAYLOAD) return -1;
  leafInput.set(p, LEAF_HEAD);
  return LEAF_HEAD + p.length;
}

/** A synchronous node:crypto verifier for a raw 32-byte key, or undefined where unavailable. */
function nodeVerifier(raw: Uint8Array): SyncVerify | undefined {
  try {
    const x = Buffer.from(raw).toString("base64url");
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
    return (sig, message) => nodeVerify(null, message, key, sig);
  } catch {
    return undefined;
  }
}

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));

/**
 * RFC 8032's first Ed25519 test vector (empty message): the self-test, with no signing here,
 * which would cost the JavaScript library's cold start this module is meant to avoid.
 */
const RFC8032_1 = {
  publicKey: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
  sig: hex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  ),
};

function importKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", Uint8Array.from(raw), { name: "Ed25519" }, false, [
    "verify",
  ]);
}
