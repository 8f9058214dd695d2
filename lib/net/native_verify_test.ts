import * as ed from "@noble/ed25519";
import { ed25519Signer, ed25519Suite } from "../auth/suite.ts";
import { channelTag } from "../auth/channel_tag.ts";
import { assert, assertEquals } from "../testing.ts";
import type { AuthBlock, Msg } from "../wire/messages.ts";
import { NativeAuthCheck } from "./native_verify.ts";

const { secretKey, publicKey } = ed.keygen();
const tag = channelTag(publicKey);
const suite = ed25519Suite(publicKey);
const data = { kind: "data" as const, seq: 0, srcTime: 5, payload: new Uint8Array([1, 2, 3]) };
const header = { seq: 1, srcTime: 5, count: 1, bitrate: 2e6, threshold: 800 };
const blockMsg = (block: AuthBlock): Msg => ({
  t: "block",
  club: 1,
  hop: 0,
  n: 1,
  repair: false,
  block,
});

Deno.test("native check: records the same verdicts as the core's own check", async () => {
  const check = await NativeAuthCheck.create(publicKey, tag);
  assert(check, "Deno's WebCrypto has Ed25519");
  const good = ed25519Signer(secretKey).seal(header, [suite.leaf(data)]);
  const sig = Uint8Array.from(good.sig);
  sig[3] ^= 1;
  const forged: AuthBlock = { ...good, sig };
  const otherKey = ed.keygen().secretKey;
  const wrongKey = ed25519Signer(otherKey, tag).seal(header, [suite.leaf(data)]);
  for (const [auth, want] of [[good, true], [forged, false], [wrongKey, false]] as const) {
    await check.check(blockMsg(auth));
    assertEquals(check.checked.get(auth), want);
    // A suite given the verdicts agrees with one that checks by itself.
    assertEquals(ed25519Suite(publicKey, tag, check.checked).verifyAuth(auth), want);
    assertEquals(suite.verifyAuth(auth), want);
  }
});

Deno.test("native check: a recorded verdict is what the suite answers (no second check)", async () => {
  const check = (await NativeAuthCheck.create(publicKey, tag))!;
  const good = ed25519Signer(secretKey).seal(header, [suite.leaf(data)]);
  check.checked.set(good, false); // as if the native check had said no
  assertEquals(ed25519Suite(publicKey, tag, check.checked).verifyAuth(good), false);
});

Deno.test("native check: only auth blocks are held back; bad shapes are left to the core", async () => {
  const check = (await NativeAuthCheck.create(publicKey, tag))!;
  assertEquals(check.check({ t: "ping", nonce: 1, pad: 0 }), undefined);
  assertEquals(check.check({ ...blockMsg(undefined!), block: data } as Msg), undefined);
  const good = ed25519Signer(secretKey).seal(header, [suite.leaf(data)]);
  const short: AuthBlock = { ...good, sig: new Uint8Array(10) };
  assertEquals(check.check(blockMsg(short)), undefined);
});

Deno.test("native check: a copy of a verified block is not checked again; a doctored one is", async () => {
  const check = (await NativeAuthCheck.create(publicKey, tag))!;
  const good = ed25519Signer(secretKey).seal(header, [suite.leaf(data)]);
  await check.check(blockMsg(good));
  assertEquals(check.verified, 1);
  const copy: AuthBlock = { ...good, leaves: [Uint8Array.from(good.leaves[0])] };
  await check.check(blockMsg(copy));
  assertEquals([check.checked.get(copy), check.verified], [true, 1]);
  const leaf = Uint8Array.from(good.leaves[0]);
  leaf[0] ^= 1;
  const doctored: AuthBlock = { ...good, leaves: [leaf] };
  await check.check(blockMsg(doctored));
  assertEquals([check.checked.get(doctored), check.verified], [false, 2]);
  const moved: AuthBlock = { ...good, bitrate: good.bitrate + 1 };
  await check.check(blockMsg(moved));
  assertEquals([check.checked.get(moved), check.verified], [false, 3]);
});

Deno.test("native leaves equal lib/auth's; the native suite verifies and refuses as the core's", async () => {
  const { leafHash } = await import("../auth/merkle.ts");
  const { nativeLeafHash, nodeLeafHash } = await import("./native_verify.ts");
  const payload = new Uint8Array(1128).map((_, i) => i & 0xff);
  const leaves: [Uint8Array, Uint8Array][] = [];
  for (const [seq, srcTime] of [[0, 0], [7, 1_700_000_000_123], [2 ** 40 + 3, 2 ** 33]]) {
    // Every payload length, up to the wire's and past it (hashed in parts).
    for (const n of [1, 188, 1127, 1128, 3000]) {
      const b = { kind: "data" as const, seq, srcTime, payload: payload.subarray(0, n) };
      if (n === 3000) b.payload = new Uint8Array(3000).fill(9);
      // The best the runtime has (libcrypto under Deno with -A), and node:crypto's.
      leaves.push([nativeLeafHash(tag, b), leafHash(tag, b)], [
        nodeLeafHash(tag, b),
        leafHash(tag, b),
      ]);
    }
  }
  // Compared after all were made: no leaf shares the bytes of the next one's work.
  for (const [native, noble] of leaves) assertEquals(native, noble);
  assertEquals(new Set(leaves.map(([l]) => l.length)), new Set([16]));
  const { merkleRoot } = await import("../auth/merkle.ts");
  const { nativeNodeHash } = await import("./native_verify.ts");
  for (let n = 1; n <= 13; n++) {
    const some = leaves.slice(0, n).map(([l]) => l);
    assertEquals(merkleRoot(some, nativeNodeHash), merkleRoot(some));
  }
  // An inner node is the first 16 bytes of sha256(0x01 || left || right), natively too.
  const { sha256 } = await import("@noble/hashes/sha2.js");
  const [l0, l1] = [leaves[0][0], leaves[2][0]];
  const node = nativeNodeHash(l0, l1);
  assertEquals(node, sha256(Uint8Array.of(1, ...l0, ...l1)).subarray(0, 16));
  let threw = false;
  try {
    nativeLeafHash(tag, { kind: "data", seq: -1, srcTime: 0, payload });
  } catch (e) {
    threw = e instanceof RangeError;
  }
  assert(threw, "a bad seq is a RangeError, as in leafHash");
  const check = (await NativeAuthCheck.create(publicKey, tag))!;
  const s = check.suite(publicKey);
  const good = ed25519Signer(secretKey).seal(header, [s.leaf(data)]);
  await check.check(blockMsg(good));
  assertEquals(s.verifyAuth(good), true);
  const sig = Uint8Array.from(good.sig);
  sig[0] ^= 1;
  assertEquals(s.verifyAuth({ ...good, sig }), false);
});
