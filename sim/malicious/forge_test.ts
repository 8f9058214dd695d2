import { standinPair } from "../../lib/auth/standin.ts";
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import type { DataBlock } from "../../lib/wire/messages.ts";
import { assert, assertEquals, assertThrows } from "../../lib/testing.ts";
import { FORGED_MAGIC, Forgeries, isMarked } from "./forge.ts";

const TAG = 7;
const source = standinPair(42, TAG);

Deno.test("forged data blocks are marked, recognised, and do not match the genuine leaf", () => {
  const f = new Forgeries(TAG, 43);
  const genuine: DataBlock = {
    kind: "data",
    seq: 5,
    srcTime: 100,
    payload: new Uint8Array(BLOCK_PAYLOAD),
  };
  const forged = f.data(5, 100, 17);
  assertEquals([forged.seq, forged.srcTime, forged.payload.length], [5, 100, BLOCK_PAYLOAD]);
  assert(isMarked(forged.payload) && f.has(forged));
  assert(!f.has(genuine) && !isMarked(genuine.payload));
  assert(!isMarked(FORGED_MAGIC.slice(0, 3)), "too short to carry the mark");
  // The verifier's leaf of the forgery is not the signed one.
  const leaf = source.suite.leaf(genuine), fake = source.suite.leaf(forged);
  assert(leaf.some((x, i) => x !== fake[i]));
  // A copy of a forged payload elsewhere is still recognised (by its mark).
  assert(f.has({ ...forged, payload: forged.payload.slice() }));
  assertEquals(f.made, 1);
});

Deno.test("a forged signature block is well formed, signed with the wrong key, refused", () => {
  const f = new Forgeries(TAG, 43);
  const a = f.auth(13, 200, 12, 2_000_000, 1);
  assertEquals([a.seq, a.count, a.leaves.length], [13, 12, 12]);
  assert(f.has(a));
  assert(!source.suite.verifyAuth(a), "the source's verifier refuses it");
  assert(standinPair(43, TAG).suite.verifyAuth(a), "only the key is wrong");
  // Its leaves are those of the forger's data blocks: they match forged data, not genuine.
  assertEquals(a.leaves[0], source.suite.leaf(f.data(1, 200, 1)));
  // A batch never starts before seq 0: it is shortened, and seq 0 has none.
  assertEquals(f.auth(3, 0, 12, 0, 1).count, 3);
  assertThrows(() => f.auth(0, 0, 12, 0, 1), RangeError);
});
