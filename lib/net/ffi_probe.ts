/**
 * What ffi_test.ts runs under Bun: libcrypto's sha256 through `bun:ffi` against node:crypto's,
 * for a few lengths, whole inputs and prefixes; prints one JSON line.
 *
 *     bun run lib/net/ffi_probe.ts
 */
import { createHash } from "node:crypto";
import { libcryptoSha256 } from "./ffi.ts";

const sha = libcryptoSha256();
const data = new Uint8Array(2000).map((_, i) => (i * 7) & 0xff);
let same = 0, differ = 0;
for (const n of [0, 1, 55, 56, 64, 1165, 1997]) {
  const view = data.subarray(3, 3 + n);
  const whole = new Uint8Array(32), first = new Uint8Array(32);
  sha?.(view, whole);
  sha?.(data, first, n);
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const want = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
  for (const [got, of] of [[whole, view], [first, data.subarray(0, n)]]) {
    if (hex(got) === want(of)) same++;
    else differ++;
  }
}
console.log(JSON.stringify({ loaded: sha !== undefined, same, differ }));
