/**
 * The cost per block of authenticating a stream, in this runtime: the sha256 leaf of each
 * data block (lib/auth's @noble/hashes, and node:crypto for comparison), the Merkle root of
 * each batch, and one ed25519 verification per batch (lib/auth's @noble/ed25519, the
 * runtime's WebCrypto as lib/net/native_verify.ts uses it, node:crypto), for batch sizes
 * 1..32. Per block = leaf + (root + verify) / batch. Not timed in tests; run by main.ts.
 *
 *     deno run -A bench/relay/crypto_micro.ts [--ms 300]      bun run bench/relay/crypto_micro.ts
 */
import process from "node:process";
import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { Buffer } from "node:buffer";
import * as ed from "@noble/ed25519";
import { batchMessage } from "../../lib/auth/batch_sig.ts";
import { leafHash, merkleRoot } from "../../lib/auth/merkle.ts";
import "../../lib/auth/suite.ts"; // sets @noble/ed25519's sha512
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import { benchArgs, benchNumbers, intRange } from "../lib/cli.ts";
import { round } from "../lib/stats.ts";
import { newStreamKey } from "./blocks.ts";

const USAGE = `deno run -A bench/relay/crypto_micro.ts [options]   (or bun run)

The cost per block of authenticating a stream in this runtime: leaf hashes, Merkle roots and
ed25519 verification, for batches of 1 to 32 blocks (bench/README.md). One JSON line, in µs.

  --ms MS      time spent repeating each figure's call (default 300; the roots a third of it)
  -h, --help   this help`;

/** Mean µs per call of `f` over about `ms` of repetitions, after a warm-up. */
export async function timeIt(f: () => unknown, ms = 300): Promise<number> {
  for (let i = 0; i < 50; i++) await f();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 20; i++) await f();
    n += 20;
    t = performance.now();
  }
  return (t - t0) * 1000 / n;
}

/** Per-block µs of leaf hashing, one Merkle root and one verification per batch. */
export function perBlock(leafUs: number, rootUs: number, verifyUs: number, batch: number): number {
  return round(leafUs + (rootUs + verifyUs) / batch, 2);
}

/** Runs the micro-benchmark; every figure is µs. */
export async function cryptoMicro(ms = 300): Promise<Record<string, unknown>> {
  const key = newStreamKey();
  const payload = new Uint8Array(BLOCK_PAYLOAD).fill(0x47);
  let seq = 0;
  const leafNoble = await timeIt(
    () => leafHash(key.tag, { kind: "data", seq: seq++, srcTime: 1, payload }),
    ms,
  );
  const leafNode = await timeIt(() => createHash("sha256").update(payload).digest(), ms);
  const header = { seq: 40, srcTime: 1, count: 32, bitrate: 4_000_000, threshold: 800 };
  const leaves = Array.from(
    { length: 32 },
    (_, i) => leafHash(key.tag, { kind: "data", seq: i, srcTime: 1, payload }),
  );
  const msg = batchMessage(key.tag, header, merkleRoot(leaves));
  const sig = key.sign(msg);
  const pub = key.publicKey;
  const verifyNoble = await timeIt(() => {
    if (!ed.verify(sig, msg, pub)) throw new Error("bad");
  }, ms);
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(pub),
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  const verifyWebCrypto = await timeIt(async () => {
    if (
      !await crypto.subtle.verify("Ed25519", cryptoKey, Uint8Array.from(sig), Uint8Array.from(msg))
    ) throw new Error("bad");
  }, ms);
  // Many in flight at once, as the driver's gate issues them: the throughput figure.
  const inFlight = 64;
  const verifyWebCryptoParallel = await timeIt(async () => {
    const all = [];
    for (let i = 0; i < inFlight; i++) {
      all.push(
        crypto.subtle.verify(
          "Ed25519",
          cryptoKey,
          sig as Uint8Array<ArrayBuffer>,
          msg as Uint8Array<ArrayBuffer>,
        ),
      );
    }
    await Promise.all(all);
  }, ms) / inFlight;
  const nodeKey = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(pub).toString("base64url") },
    format: "jwk",
  });
  const verifyNode = await timeIt(() => {
    if (!nodeVerify(null, msg, nodeKey, sig)) throw new Error("bad");
  }, ms);
  const batches = [1, 4, 8, 12, 16, 32];
  const rows = [];
  for (const b of batches) {
    const rootUs = await timeIt(() => merkleRoot(leaves.slice(0, b)), ms / 3);
    rows.push({
      batch: b,
      rootUs: round(rootUs, 2),
      perBlockNobleUs: perBlock(leafNoble, rootUs, verifyNoble, b),
      perBlockWebCryptoUs: perBlock(leafNoble, rootUs, verifyWebCrypto, b),
      perBlockNodeUs: perBlock(leafNoble, rootUs, verifyNode, b),
    });
  }
  return {
    payloadBytes: BLOCK_PAYLOAD,
    leafNobleUs: round(leafNoble, 2),
    leafNodeCryptoUs: round(leafNode, 2),
    verifyNobleUs: round(verifyNoble, 1),
    verifyWebCryptoUs: round(verifyWebCrypto, 1),
    verifyWebCryptoParallelUs: round(verifyWebCryptoParallel, 1),
    verifyNodeCryptoUs: round(verifyNode, 1),
    batches: rows,
  };
}

if (import.meta.main) {
  const v = benchArgs("crypto_micro", USAGE, process.argv.slice(2), {
    ms: { type: "string", default: "300" },
  });
  const { ms } = benchNumbers("crypto_micro", v, { ms: intRange(10, 60_000) });
  console.log(JSON.stringify(await cryptoMicro(ms)));
}
