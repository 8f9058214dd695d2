/**
 * Forged blocks, made and recognised. Malicious simulated peers make every forged block
 * through a {@link Forgeries}, which marks it: a forged data block's payload starts with
 * {@link FORGED_MAGIC} (the source's payloads never do), and every forged block object is
 * remembered. The metrics then recognise a forged block wherever an honest peer stores,
 * plays or sends it, from the block itself, without assuming what the defences do.
 *
 * A forgery is as good as one can be without the source's secret: a forged signature block
 * carries the leaves of forged data blocks and is sealed with another key, so only the
 * signature is wrong; a forged data block keeps the genuine seq and source time.
 */
import { standinPair } from "../../lib/auth/standin.ts";
import type { AuthSuite, BatchSigner } from "../../lib/auth/suite.ts";
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import type { AuthBlock, Block, DataBlock } from "../../lib/wire/messages.ts";

/** The first bytes of every forged data block's payload. */
export const FORGED_MAGIC: Uint8Array = new TextEncoder().encode("FORGED:");

/** Makes forged blocks for one run and recognises them. */
export class Forgeries {
  readonly #made = new WeakSet<Block>();
  readonly #signer: BatchSigner;
  readonly #leaf: AuthSuite["leaf"];
  readonly #payloads = new Map<number, Uint8Array>();
  /** Forged blocks made so far. */
  made = 0;

  /**
   * Forgeries for a swarm on channel `tag`. `wrongKey` is the key forgers sign with (not the
   * source's): their signature blocks are well formed and checked like any other.
   */
  constructor(tag: number, wrongKey: number) {
    const { signer, suite } = standinPair(wrongKey, tag);
    this.#signer = signer;
    this.#leaf = suite.leaf;
  }

  /** A forged data block at `seq` with forger `by`'s payload (marked, then filler bytes). */
  data(seq: number, srcTime: number, by: number): DataBlock {
    return this.#note({ kind: "data", seq, srcTime, payload: this.#payload(by) });
  }

  /**
   * A forged signature block at `seq` covering `count` data blocks: the leaves of the data
   * blocks forger `by` would send there, sealed with the wrong key.
   */
  auth(seq: number, srcTime: number, count: number, bitrate: number, by: number): AuthBlock {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`no batch ends at ${seq}`);
    const n = Math.max(1, Math.min(count, seq, 32));
    const leaves: Uint8Array[] = [];
    for (let s = seq - n; s < seq; s++) {
      leaves.push(this.#leaf({ kind: "data", seq: s, srcTime, payload: this.#payload(by) }));
    }
    const sealed = this.#signer.seal({ seq, srcTime, count: n, bitrate, threshold: 800 }, leaves);
    return this.#note(sealed);
  }

  /** True if `block` is forged: made here, or a data block whose payload carries the mark. */
  has(block: Block): boolean {
    if (this.#made.has(block)) return true;
    return block.kind === "data" && isMarked(block.payload);
  }

  #note<B extends Block>(b: B): B {
    this.#made.add(b);
    this.made++;
    return b;
  }

  #payload(by: number): Uint8Array {
    let p = this.#payloads.get(by);
    if (p === undefined) {
      // Filler everywhere, so the forgery differs from the source's bytes wherever a
      // verifier looks (the stand-in leaf samples bytes; sha256 would see any change).
      p = new Uint8Array(BLOCK_PAYLOAD).fill(0xa5);
      p.set(FORGED_MAGIC);
      new DataView(p.buffer).setUint32(FORGED_MAGIC.length, by);
      this.#payloads.set(by, p);
    }
    return p;
  }
}

/** True if a payload starts with {@link FORGED_MAGIC}. */
export function isMarked(payload: Uint8Array): boolean {
  if (payload.length < FORGED_MAGIC.length) return false;
  for (let i = 0; i < FORGED_MAGIC.length; i++) if (payload[i] !== FORGED_MAGIC[i]) return false;
  return true;
}
