/** What the baseline designs' tests share: a node's spec and a batch of real blocks. */
import { standinPair } from "../../lib/auth/standin.ts";
import { Rng } from "../../lib/rand.ts";
import { BlockMaker } from "../../lib/source/block_maker.ts";
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import type { Block, BlockMsg } from "../../lib/wire/messages.ts";
import type { PeerSpec } from "../design.ts";

const { suite, signer } = standinPair(11, 5);

/** The spec of peer `self` uploading `uploadMult` times a 2 Mbit/s stream. */
export function peerSpec(self: string, uploadMult = 2): PeerSpec {
  return {
    self,
    clubs: 12,
    rng: new Rng(3),
    uploadBps: uploadMult * 2e6,
    streamBps: 2e6,
    source: "n0",
    myClubs: [0, 1],
    suite,
    playDelayMs: 3000,
  };
}

/** One batch from the source's block maker: 12 data blocks and their signature (seqs 0-12). */
export function oneBatch(): Block[] {
  const m = new BlockMaker({ signer, suite, align: 1, thresholdMs: 800, batchCount: 12 });
  const out: Block[] = [];
  for (let i = 0; i < 12; i++) out.push(...m.input(i, new Uint8Array(BLOCK_PAYLOAD)));
  return out;
}

/** A block on the wire. */
export const blockMsg = (block: Block): BlockMsg => ({
  t: "block",
  club: 0,
  hop: 0,
  n: 0,
  repair: false,
  block,
});
