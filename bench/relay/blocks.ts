/**
 * Real signed blocks of a channel, made fast for the relay benchmark's sender: the same
 * leaves, Merkle roots and batch signatures as the source's (lib/auth), but with the
 * runtime's native sha256 and ed25519 (node:crypto), so that a sender can make tens of
 * thousands a second before a trial instead of spending its trial doing so.
 *
 * The stream has `clubs` clubs (seq % clubs) and batches of `batch` data blocks closed by an
 * auth block, as lib/source/batcher.ts lays them out. A trial's datagrams are every block,
 * each on its own club's connection (`club` = seq % clubs, a packet counter per club), as
 * the source pushes them to a peer that is a member of every club; each has a send time at
 * the trial's rate and a srcTime equal to its planned send time.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { Buffer } from "node:buffer";
import { batchMessage } from "../../lib/auth/batch_sig.ts";
import { channelTag } from "../../lib/auth/channel_tag.ts";
import { merkleRoot } from "../../lib/auth/merkle.ts";
import { nativeLeafHash } from "../../lib/net/native_verify.ts";
import { wireCounter } from "../../lib/peer/conn_counter.ts";
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
  readonly dueMs: Float64Array;
}

/** Makes consecutive trials of one channel's stream; seqs and connection counters go on. */
export class ClubStream {
  readonly #o: ClubStreamOptions;
  #seq = 0;
  /** Live blocks sent on each club's connection since it was (re)opened. */
  readonly #n: number[];
  /** Each club's connection secret, which offsets its counter on the wire. */
  readonly #secret: number[];
  readonly #payload: Uint8Array;

  /** A stream starting at seq 0. */
  constructor(o: ClubStreamOptions) {
    if (!(o.clubs >= 2)) throw new RangeError("at least 2 clubs");
    this.#o = o;
    this.#n = new Array(o.clubs).fill(0);
    this.#secret = new Array(o.clubs).fill(0);
    // A full block of TS-aligned bytes; its content does not matter to a relay.
    this.#payload = new Uint8Array(BLOCK_PAYLOAD).map((_, i) => (i * 31 + 7) & 0xff);
  }

  /**
   * The connection of `club` was (re)opened with `secret` (the peer's cookie it carries):
   * its counter starts again, offset by the secret, as a real upstream's does
   * (lib/peer/conn_counter.ts). Trials made after this use it.
   */
  reopen(club: number, secret: number): void {
    this.#n[club] = 0;
    this.#secret[club] = secret;
  }

  /**
   * Writes the next count of `club`'s connection into block datagram `d` (made by a trial of
   * this stream) in place, for a connection (re)opened after the trial was made. False, and
   * `d` untouched, when the old or the new counter does not take the 5 bytes of a uint32 on
   * the wire (the decoder takes only the shortest form), about 1 in 65,536 of each.
   */
  restamp(d: Uint8Array, club: number): boolean {
    const at = counterAt(d);
    if (at < 0 || d[at] !== 0x1a) return false;
    const n = wireCounter(this.#secret[club], this.#n[club] + 1);
    if (n < 0x10000) return false;
    this.#n[club]++;
    new DataView(d.buffer, d.byteOffset + at + 1, 4).setUint32(0, n);
    return true;
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
    const { key, clubs, batch } = this.#o;
    const want = Math.max(1, Math.round(rate * durationMs / 1000));
    const datagrams: Uint8Array[] = [];
    const due: number[] = [];
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
        due.push(datagrams.length * 1000 / rate);
        datagrams.push(encodeDatagram(key.tag, {
          t: "block",
          club,
          hop: 0,
          n: wireCounter(this.#secret[club], ++this.#n[club]),
          repair: false,
          block: b,
        }));
      }
    }
    return { datagrams, dueMs: Float64Array.from(due) };
  }
}

/** Bytes of a CBOR unsigned integer's head `h`, -1 if `h` is not one. */
function uintBytes(h: number): number {
  if (h < 0x18) return 1;
  return h === 0x18 ? 2 : h === 0x19 ? 3 : h === 0x1a ? 5 : h === 0x1b ? 9 : -1;
}

/**
 * Where each of a block datagram's first six fields starts (`[version, tag, 0, club, hop, n,
 * ...]`: see docs/protocol.md, "Messages"), or undefined if `d` is not laid out so.
 */
function blockFields(d: Uint8Array): number[] | undefined {
  if (d[0] !== 0x88) return undefined;
  const starts: number[] = [];
  for (let field = 0, at = 1; field < 6; field++) {
    const len = uintBytes(d[at]);
    if (len < 0 || at + len > d.length) return undefined;
    if (field === 2 && d[at] !== 0) return undefined; // the type: 0, a block
    starts.push(at);
    at += len;
  }
  return starts;
}

/** Where block datagram `d`'s counter `n` starts, -1 if `d` is not a block datagram. */
export function counterAt(d: Uint8Array): number {
  return blockFields(d)?.[5] ?? -1;
}

/** The club of block datagram `d` (made by a trial), or -1. */
export function clubOf(d: Uint8Array): number {
  const at = blockFields(d)?.[3];
  if (at === undefined) return -1;
  const h = d[at];
  return h < 0x18 ? h : h === 0x18 ? d[at + 1] : -1;
}
