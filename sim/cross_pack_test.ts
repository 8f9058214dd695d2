import { assert, assertEquals, assertThrows } from "../lib/testing.ts";
import type { BlockMsg, DataBlock, HaveMsg } from "../lib/wire/messages.ts";
import { CrossPacker, CrossUnpacker } from "./cross_pack.ts";
import type { CrossDatagram } from "./partition.ts";

const big = new Uint8Array(4096);
const block: DataBlock = { kind: "data", seq: 7, srcTime: 1, payload: big.subarray(100, 1228) };
const dg = (msg: BlockMsg | HaveMsg, from = 1) =>
  ({ at: 50, tie: 3, to: 2, from, size: 1200, msg }) as CrossDatagram;
const blockMsg = (n: number): BlockMsg => ({
  t: "block",
  club: 1,
  hop: 0,
  n,
  repair: false,
  block,
});

Deno.test("a block crosses once, then by its number; the receiver hands out its one copy", () => {
  const packer = new CrossPacker(3), unpacker = new CrossUnpacker(3);
  const packed = packer.pack(2, [
    dg(blockMsg(1)),
    dg(blockMsg(2)),
    dg({ t: "have", club: 1, seqs: [7], list: false }),
  ]);
  const first = (packed[0].msg as BlockMsg).block as DataBlock;
  assertEquals(first.payload.buffer.byteLength, 1128, "the copy owns just its bytes");
  assertEquals((packed[1].msg as unknown as { block: number }).block, 7);
  const out = unpacker.unpack(structuredClone(packed));
  const a = (out[0].msg as BlockMsg).block, b = (out[1].msg as BlockMsg).block;
  assert(a === b, "one object per block");
  assertEquals(a, { ...block, payload: block.payload.slice() });
  assertEquals((out[1].msg as BlockMsg).n, 2);
  assertEquals(out[2].msg as unknown, { t: "have", club: 1, seqs: [7], list: false });
});

Deno.test("each receiver gets its own first copy; a block never sent cannot be named", () => {
  const packer = new CrossPacker(3);
  packer.pack(2, [dg(blockMsg(1))]);
  const toOther = packer.pack(1, [dg(blockMsg(1))]);
  assert(typeof (toOther[0].msg as BlockMsg).block === "object");
  const named = packer.pack(2, [dg(blockMsg(2))]);
  assertThrows(() => new CrossUnpacker(3).unpack(named));
});
