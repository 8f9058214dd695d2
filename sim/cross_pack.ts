/**
 * Datagrams between partitions in different workers (partition.ts, parallel.ts) are copied
 * by structured clone. A block crosses from one partition to another once: later datagrams
 * carrying it name it by its sequence number, and the receiving partition hands its nodes
 * the copy it kept, so each partition holds one object per block as a single thread does.
 *
 * This relies on every block of a sequence number being the same, true without malicious
 * peers (a run with them stays in one partition).
 */
import type { Block, BlockMsg } from "../lib/wire/messages.ts";
import type { CrossDatagram, WindowInput, WindowOutput } from "./partition.ts";

/** Blocks remembered per pair of partitions, by sequence number modulo this. */
const RING = 1 << 14;

/** A block message whose block the receiver already has: it names the block's seq. */
interface BlockRef {
  readonly t: "block";
  readonly block: number;
}

/** Packs the datagrams one partition sends to the others. */
export class CrossPacker {
  /** Per receiving partition: the seq each ring slot's block was last sent as, or -1. */
  readonly #sent: Float64Array[];

  /** A packer for a run of `parts` partitions. */
  constructor(parts: number) {
    this.#sent = Array.from({ length: parts }, () => new Float64Array(RING).fill(-1));
  }

  /** The datagrams for partition `to`, each block either named or sent as a copy of its own. */
  pack(to: number, datagrams: readonly CrossDatagram[]): CrossDatagram[] {
    const sent = this.#sent[to];
    return datagrams.map((d) => {
      if (d.msg.t !== "block") return d;
      const m = d.msg as BlockMsg, seq = m.block.seq, slot = seq & (RING - 1);
      if (sent[slot] === seq) return { ...d, msg: { ...m, block: seq } as BlockRef };
      sent[slot] = seq;
      return { ...d, msg: { ...m, block: compact(m.block) } };
    });
  }
}

/** Unpacks the datagrams one partition receives from the others. */
export class CrossUnpacker {
  /** Per sending partition: the blocks it sent, by seq modulo RING. */
  readonly #kept: (Block | undefined)[][];
  readonly #parts: number;

  /** An unpacker for a run of `parts` partitions. */
  constructor(parts: number) {
    this.#parts = parts;
    this.#kept = Array.from({ length: parts }, () => new Array(RING).fill(undefined));
  }

  /** The datagrams as their senders made them (blocks are this partition's copies). */
  unpack(datagrams: readonly CrossDatagram[]): CrossDatagram[] {
    return datagrams.map((d) => {
      if (d.msg.t !== "block") return d;
      const kept = this.#kept[d.from % this.#parts];
      const b = (d.msg as BlockMsg | BlockRef).block;
      if (typeof b !== "number") {
        kept[b.seq & (RING - 1)] = b;
        return d;
      }
      const block = kept[b & (RING - 1)];
      if (block === undefined || block.seq !== b) throw new Error(`block ${b} was never sent`);
      return { ...d, msg: { ...(d.msg as BlockMsg), block } };
    });
  }
}

/** A block whose byte arrays are their own (a view would clone its whole buffer). */
function compact(b: Block): Block {
  if (b.kind === "data") return { ...b, payload: b.payload.slice() };
  return { ...b, leaves: b.leaves.map((l) => l.slice()), sig: b.sig.slice() };
}

/** A partition's window output with the datagrams for each other partition packed. */
export function packOutput(packer: CrossPacker, out: WindowOutput): WindowOutput {
  return { ...out, datagrams: out.datagrams.map((ds, to) => packer.pack(to, ds)) };
}

/** A partition's window input with the datagrams from the others unpacked. */
export function unpackInput(unpacker: CrossUnpacker, input: WindowInput): WindowInput {
  return { ...input, datagrams: unpacker.unpack(input.datagrams) };
}
