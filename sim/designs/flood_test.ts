import { standinPair } from "../../lib/auth/standin.ts";
import { Rng } from "../../lib/rand.ts";
import { BlockMaker } from "../../lib/source/block_maker.ts";
import { assert, assertEquals } from "../../lib/testing.ts";
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import type { Block, BlockMsg } from "../../lib/wire/messages.ts";
import { simulate } from "../main.ts";
import { SMALL_SWARM } from "../test_helpers.ts";
import { FLOOD, FloodNode } from "./flood.ts";

const { suite, signer } = standinPair(11, 5);

function floodPeer(): FloodNode {
  return new FloodNode(0, {
    role: "peer",
    spec: {
      self: "me",
      clubs: 12,
      rng: new Rng(3),
      uploadBps: 4e6,
      streamBps: 2e6,
      source: "n0",
      myClubs: [0, 1],
      suite,
      playDelayMs: 3000,
    },
  });
}

function oneBatch(): Block[] {
  const m = new BlockMaker({ signer, suite, align: 1, thresholdMs: 800 });
  const out: Block[] = [];
  for (let i = 0; i < 12; i++) out.push(...m.input(i, new Uint8Array(BLOCK_PAYLOAD)));
  return out;
}

const msg = (block: Block): BlockMsg => ({
  t: "block",
  club: 0,
  hop: 0,
  n: 0,
  repair: false,
  block,
});

function sent(p: FloodNode): [string, number][] {
  const out: [string, number][] = [];
  for (let d = p.pollTransmit(100); d; d = p.pollTransmit(100)) {
    if (d.msg.t === "block") out.push([d.to, (d.msg as BlockMsg).block.seq]);
  }
  return out;
}

Deno.test("a flood peer sends every verified block to each neighbour but its sender", () => {
  const p = floodPeer();
  for (const a of ["a", "b", "c"]) p.handleMessage(0, a, { t: "link" });
  assertEquals(p.mesh.links.size, 3);
  const blocks = oneBatch();
  for (const b of blocks.slice(0, 12)) p.handleMessage(10, "a", msg(b));
  assertEquals(sent(p), [], "nothing is relayed before its signature verifies it");
  p.handleMessage(20, "b", msg(blocks[12]));
  const out = sent(p);
  assertEquals(out.filter(([to]) => to === "c").length, 13, "c gets the whole batch");
  assertEquals(out.filter(([to]) => to === "a").length, 1, "a gets the signature only");
  assertEquals(out.filter(([to]) => to === "b").length, 12, "b gets the data blocks only");
  p.handleMessage(30, "c", msg(blocks[0]));
  assertEquals(sent(p), [], "a copy of a block held is not sent again");
  assertEquals(p.stats.duplicates, 1);
});

Deno.test("in a roomy swarm flooding delivers, at the cost of many copies of each block", () => {
  const small = { ...SMALL_SWARM, capacityMix: [[1, 10]] as const };
  const flood = simulate({ ...small, design: FLOOD }) as Record<string, number>;
  const clubs = simulate(small) as Record<string, number>;
  assertEquals(flood.design as unknown, "flood");
  assert(flood.delivery > 0.9, `flood delivery ${flood.delivery}`);
  assert(flood.duplicateRatio > 2, `flood duplicates ${flood.duplicateRatio}`);
  assert(flood.duplicateRatio > 5 * clubs.duplicateRatio, `clubs ${clubs.duplicateRatio}`);
});
