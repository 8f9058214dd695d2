import { assert, assertEquals, assertNotEquals, assertThrows } from "../testing.ts";
import type { AuthBlock, DataBlock } from "../wire/messages.ts";
import { STANDIN_BYTES, standinPair } from "./standin.ts";

const { suite, signer } = standinPair(1234, 99);
const data = (seq: number, len = 1128): DataBlock => ({
  kind: "data",
  seq,
  srcTime: 40 + seq,
  payload: new Uint8Array(len).map((_, i) => (i * 7 + seq) & 0xff),
});
const header = { seq: 12, srcTime: 70, count: 12, bitrate: 1_000_000, threshold: 200 };
const leaves = Array.from({ length: 12 }, (_, i) => suite.leaf(data(i)));

Deno.test("standin: leaves are 8 bytes, deterministic, and differ with seq, time, length, bytes", () => {
  const b = data(5);
  const l = suite.leaf(b);
  assertEquals(l.length, STANDIN_BYTES);
  assertEquals(suite.leaf(data(5)), l);
  const edit = (at: number) => {
    const p = b.payload.slice();
    p[at] ^= 0x55;
    return { ...b, payload: p };
  };
  for (
    const other of [
      { ...b, seq: 6 },
      { ...b, srcTime: b.srcTime + 1 },
      { ...b, payload: b.payload.subarray(1) },
      edit(0),
      edit(b.payload.length - 1),
      edit(581), // sample 16 of 32: floor(16 * 1127 / 31)
      { ...b, payload: new Uint8Array(1128) },
    ]
  ) assertNotEquals(suite.leaf(other), l);
  const short = data(3, 40);
  const p = short.payload.slice();
  p[17] ^= 1;
  assertNotEquals(suite.leaf({ ...short, payload: p }), suite.leaf(short), "short: every byte");
});

Deno.test("standin: a sealed batch verifies; changed fields, leaves or sig do not", () => {
  const auth = signer.seal(header, leaves);
  assert(suite.verifyAuth(auth));
  assertEquals(auth.sig.length, STANDIN_BYTES);
  const flipped = auth.leaves.map((l, i) => i === 11 ? l.map((x, j) => j === 7 ? x ^ 1 : x) : l);
  const sig = auth.sig.slice();
  sig[0] ^= 1;
  const changed: AuthBlock[] = [
    { ...auth, leaves: flipped },
    { ...auth, sig },
    { ...auth, bitrate: 1 },
    { ...auth, threshold: 1 },
    { ...auth, srcTime: 1 },
    { ...auth, seq: 13 },
    { ...auth, count: 11, leaves: auth.leaves.slice(1) },
  ];
  for (const c of changed) assertEquals(suite.verifyAuth(c), false);
});

Deno.test("standin: a batch made without the secret or for another tag is rejected", () => {
  const other = standinPair(1235, 99).signer.seal(header, leaves);
  assertEquals(suite.verifyAuth(other), false);
  assertEquals(standinPair(1234, 98).suite.verifyAuth(signer.seal(header, leaves)), false);
  const guessed: AuthBlock = { kind: "auth", ...header, leaves, sig: new Uint8Array(8) };
  assertEquals(suite.verifyAuth(guessed), false);
  assertEquals(suite.verifyAuth({ ...guessed, sig: new Uint8Array(64) }), false);
});

Deno.test("standin: seal refuses misuse", () => {
  assertThrows(() => signer.seal({ ...header, count: 11 }, leaves), RangeError);
  assertThrows(() => signer.seal({ ...header, bitrate: 0.5 }, leaves), RangeError);
  assertThrows(() => standinPair(1, -1), RangeError);
});

Deno.test("standin: a memoizing pair gives the same answers, once per block object", () => {
  const memo = standinPair(1234, 99, { memoize: true });
  const b = data(7);
  const l = memo.suite.leaf(b);
  assertEquals(l, suite.leaf(b));
  assert(memo.suite.leaf(b) === l, "the same array the second time: not recomputed");
  assertNotEquals(memo.suite.leaf({ ...b, srcTime: 1 }), l, "another object is hashed");
  const auth = signer.seal(header, leaves);
  assert(memo.suite.verifyAuth(auth));
  assertEquals(memo.suite.verifyAuth({ ...auth, bitrate: 1 }), false);
  assertEquals(memo.suite.verifyAuth(standinPair(1235, 99).signer.seal(header, leaves)), false);
  assert(memo.suite.verifyAuth(memo.signer.seal(header, leaves)));
});
