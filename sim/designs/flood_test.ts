import { assert, assertEquals } from "../../lib/testing.ts";
import type { BlockMsg } from "../../lib/wire/messages.ts";
import { simulate } from "../main.ts";
import { SMALL_SWARM } from "../test_helpers.ts";
import { FLOOD, FloodNode } from "./flood.ts";
import { blockMsg, oneBatch, peerSpec } from "./test_helpers.ts";

const floodPeer = () => new FloodNode(0, { role: "peer", spec: peerSpec("me", 2) });
const msg = blockMsg;

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
