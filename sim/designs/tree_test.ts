import { assert, assertEquals } from "../../lib/testing.ts";
import type { BlockMsg } from "../../lib/wire/messages.ts";
import { simulate } from "../main.ts";
import { SMALL_SWARM } from "../test_helpers.ts";
import type { BaselineMsg, NackMsg } from "./messages.ts";
import { blockMsg, oneBatch, peerSpec } from "./test_helpers.ts";
import { TREE, TreeNode } from "./tree.ts";

/** Hands `msg` to `n` as a datagram from `from`. */
const deliver = (n: TreeNode, now: number, from: string, msg: BaselineMsg) =>
  n.handleMessage(now, from, msg);

function drain(p: TreeNode, now: number): { to: string; msg: BaselineMsg }[] {
  const out = [];
  for (let d = p.pollTransmit(now); d; d = p.pollTransmit(now)) {
    out.push({ to: d.to, msg: d.msg as BaselineMsg });
  }
  return out;
}

/** A tree peer attached below "p" on the path root, p. */
function attached(uploadMult: number): TreeNode {
  const n = new TreeNode(0, { role: "peer", spec: peerSpec("me", uploadMult) });
  n.learn(["p"]);
  n.handleTimeout(0);
  const joins = drain(n, 0).filter((d) => d.msg.t === "join").map((d) => d.to);
  assert(joins.includes("p") && joins.includes("n0"), `asked ${joins}`);
  deliver(n, 10, "p", { t: "joined", path: ["n0", "p"] });
  deliver(n, 11, "n0", { t: "joined", path: ["n0"] });
  assertEquals([n.parent, n.path], ["p", ["n0", "p", "me"]]);
  assertEquals(drain(n, 12).map((d) => [d.to, d.msg.t]), [["n0", "leave"]], "the second is left");
  return n;
}

Deno.test("a tree node takes the children its upload carries, never one above it", () => {
  const n = attached(3); // two copies: two children
  deliver(n, 20, "a", { t: "join", from: -1, slots: 0 });
  deliver(n, 20, "b", { t: "join", from: -1, slots: 0 });
  deliver(n, 20, "c", { t: "join", from: -1, slots: 0 });
  deliver(n, 20, "p", { t: "join", from: -1, slots: 0 });
  const answers = drain(n, 21).map((d) => [d.to, d.msg.t]);
  assertEquals(answers, [["a", "joined"], ["b", "joined"], ["c", "refuse"], ["p", "refuse"]]);
  const leaf = attached(0.5);
  deliver(leaf, 20, "a", { t: "join", from: -1, slots: 0 });
  assertEquals(drain(leaf, 21).map((d) => d.msg.t), ["refuse"], "0.5x carries no child");
});

Deno.test("a full node gives a leaf's place to an asker that can carry children", () => {
  const n = attached(1.5); // one child
  deliver(n, 20, "leaf", { t: "join", from: -1, slots: 0 });
  deliver(n, 21, "leaf2", { t: "join", from: -1, slots: 0 });
  deliver(n, 22, "big", { t: "join", from: -1, slots: 2 });
  const out = drain(n, 23).map((d) => [d.to, d.msg.t]);
  assertEquals(out, [["leaf", "joined"], ["leaf2", "refuse"], ["leaf", "leave"], [
    "big",
    "joined",
  ]]);
  assertEquals([...n.children.keys()], ["big"]);
  // The evicted leaf's side: its parent said "leave", so it looks for another.
  const leaf = attached(0.5);
  deliver(leaf, 30, "p", { t: "leave" });
  assertEquals([leaf.parent, leaf.path], [undefined, []]);
});

Deno.test("a tree node pushes verified blocks to its children and repairs a lost one", () => {
  const n = attached(3);
  deliver(n, 20, "a", { t: "join", from: -1, slots: 0 });
  drain(n, 21);
  const batch = oneBatch();
  for (const b of batch) if (b.seq !== 4) n.handleMessage(30, "p", blockMsg(b));
  const pushed = drain(n, 31).filter((d) => d.msg.t === "block");
  assertEquals(pushed.length, 12, "all but the lost one, once verified");
  assert(pushed.every((d) => d.to === "a"));
  // 4 is still missing 600 ms after later ones came: asked of the parent.
  for (let t = 40; t <= 1000; t += 50) n.handleTimeout(t);
  const nacks = drain(n, 1000).filter((d) => d.msg.t === "nack");
  assertEquals(nacks.map((d) => [d.to, (d.msg as NackMsg).seqs]), [["p", [4]]]);
  n.handleMessage(1100, "p", blockMsg(batch[4]));
  const relayed = drain(n, 1101).filter((d) => d.msg.t === "block");
  assertEquals(relayed.map((d) => (d.msg as BlockMsg).block.seq), [4]);
});

Deno.test("a child whose parent goes silent joins elsewhere", () => {
  const n = attached(1.5);
  n.learn(["q"]);
  for (let t = 100; t <= 1700; t += 50) n.handleTimeout(t);
  assertEquals([n.parent, n.path], [undefined, []]);
  const joins = drain(n, 1700).filter((d) => d.msg.t === "join").map((d) => d.to);
  assert(joins.includes("q"), `asked ${joins}`);
});

Deno.test("in a roomy swarm the tree delivers with few copies", () => {
  const small = { ...SMALL_SWARM, capacityMix: [[1, 3]] as const };
  const r = simulate({ ...small, design: TREE }) as Record<string, number>;
  assert(r.delivery > 0.95, `tree delivery ${r.delivery}`);
  assert(r.duplicateRatio < 0.1, `tree duplicates ${r.duplicateRatio}`);
});
