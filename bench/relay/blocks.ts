/**
 * Real signed blocks of a channel, made fast for the relay benchmark's sender: the same
 * leaves, Merkle roots and batch signatures as the source's (lib/auth), but with the
 * runtime's native sha256 and ed25519 (node:crypto), so that a sender can make tens of
 * thousands a second before a trial instead of spending its trial doing so.
 *
 * The stream has `clubs` clubs (seq % clubs) and batches of `batch` data blocks closed by an
 * auth block, as lib/source/batcher.ts lays them out. A trial's datagrams are every block,
 * each on its own club's connection (`club` = seq % clubs; its counter a placeholder, stamped
 * as it goes out: send_counters.ts), as the source pushes them to a peer that is a member of every club; each has a send time at
 * the trial's rate and a srcTime equal to its planned send time.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { Buffer } from "node:buffer";
import { batchMessage } from "../../lib/auth/batch_sig.ts";
import { channelTag } from "../../lib/auth/channel_tag.ts";
import { merkleRoot } from "../../lib/auth/merkle.ts";
import { nativeLeafHash } from "../../lib/net/native_verify.ts";
import { UNSTAMPED } from "./send_counters.ts";
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import { encodeDatagram } from "../../lib/wire/codec.ts";
import type { AuthBlock, Block, DataBlock } from "../../lib/wire/messages.ts";

/** A channel key pair with a native signer. */
export interface StreamKey {
  readonly publicKey: Uint8Array;
  readonly tag: number;
  sign(message: Uint8Array): Uint8Array;
}

/** A fresh ed25519 channel key. */
export function newStreamKey(): StreamKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const x = (publicKey.export({ format: "jwk" }) as { x: string }).x;
  const raw = new Uint8Array(Buffer.from(x, "base64url"));
  const key: KeyObject = privateKey;
  return {
    publicKey: raw,
    tag: channelTag(raw),
    sign: (m) => new Uint8Array(sign(null, m, key)),
  };
}

/** Settings of a {@link ClubStream}. */
export interface ClubStreamOptions {
  readonly key: StreamKey;
  /** Clubs of the swarm (seq % clubs is a block's club). */
  readonly clubs: number;
  /** Data blocks per batch (the source's at these rates: DEFAULT_BATCH_COUNT). */
  readonly batch: number;
}

/** One trial: datagrams in send order and when each is due, ms after the trial starts. */
export interface Trial {
  readonly datagrams: Uint8Array[];
  readonly dueMs: number[];
}

/** Makes consecutive trials of one channel's stream; seqs and connection counters go on. */
export class ClubStream {
  readonly #o: ClubStreamOptions;
  #seq = 0;
  readonly #payload: Uint8Array;

  /** A stream starting at seq 0. */
  constructor(o: ClubStreamOptions) {
    if (!(o.clubs >= 2)) throw new RangeError("at least 2 clubs");
    this.#o = o;
    // A full block of TS-aligned bytes; its content does not matter to a relay.
    this.#payload = new Uint8Array(BLOCK_PAYLOAD).map((_, i) => (i * 31 + 7) & 0xff);
  }

  /** The next seq to be made. */
  get nextSeq(): number {
    return this.#seq;
  }

  /**
   * The datagrams of the next `durationMs` at `rate` datagrams per second, whole batches,
   * with srcTimes starting at `srcTime0` (ms on the sender's clock).
   */
  trial(rate: number, durationMs: number, srcTime0: number): Trial {
    const out: Trial = { datagrams: [], dueMs: [] };
    const batches = this.#batches(rate, durationMs, srcTime0, out);
    while (!batches.next().done) continue;
    return out;
  }

  /**
   * The same trial as {@link trial}, made a slice at a time: `pause()` is awaited whenever
   * `sliceMs` of making has gone by, so that the caller can go on sending and receiving while
   * a long trial is made (a sender silent for seconds loses its connections as idle).
   */
  async trialPaced(
    rate: number,
    durationMs: number,
    srcTime0: number,
    pause: () => Promise<void>,
    sliceMs = 20,
  ): Promise<Trial> {
    const out: Trial = { datagrams: [], dueMs: [] };
    let sliceFrom = performance.now();
    for (const _ of this.#batches(rate, durationMs, srcTime0, out)) {
      if (performance.now() - sliceFrom < sliceMs) continue;
      await pause();
      sliceFrom = performance.now();
    }
    return out;
  }

  /** Makes the trial's batches into `out`, one at a time. */
  *#batches(rate: number, durationMs: number, srcTime0: number, out: Trial): Generator<void> {
    const { key, clubs, batch } = this.#o;
    const want = Math.max(1, Math.round(rate * durationMs / 1000));
    const { datagrams, dueMs } = out;
    while (datagrams.length < want) {
      const first = this.#seq;
      const leaves: Uint8Array[] = [];
      const blocks: Block[] = [];
      let srcTime = 0;
      for (let j = 0; j < batch; j++) {
        const seq = first + j;
        // srcTime: when the block is due to be sent, as a source cuts in real time.
        srcTime = Math.floor(srcTime0 + (datagrams.length + j) * 1000 / rate);
        const block: DataBlock = { kind: "data", seq, srcTime, payload: this.#payload };
        leaves.push(nativeLeafHash(key.tag, block));
        blocks.push(block);
      }
      const header = { seq: first + batch, srcTime, count: batch, bitrate: 0, threshold: 800 };
      const bitrate = Math.round(rate * BLOCK_PAYLOAD * 8 * batch / (batch + 1));
      const h = { ...header, bitrate };
      const sig = key.sign(batchMessage(key.tag, h, merkleRoot(leaves)));
      const auth: AuthBlock = { kind: "auth", ...h, leaves, sig };
      blocks.push(auth);
      this.#seq = first + batch + 1;
      for (const b of blocks) {
        const club = b.seq % clubs;
        dueMs.push(datagrams.length * 1000 / rate);
        datagrams.push(encodeDatagram(key.tag, {
          t: "block",
          club,
          hop: 0,
          n: UNSTAMPED, // each connection's count is stamped as the block goes out
          repair: false,
          block: b,
        }));
      }
      yield;
    }
  }
}
