import { createHash } from "node:crypto";
import { assert, assertEquals } from "../testing.ts";
import { denoFfi, libcryptoSha256 } from "./ffi.ts";
import { which } from "./which.ts";

Deno.test("libcrypto's sha256, where it loads, equals node:crypto's for every length", () => {
  const sha = libcryptoSha256();
  // The tests run with -A on Linux, where libcrypto.so.3 is part of the base system.
  if (Deno.build.os === "linux") assert(denoFfi() !== undefined);
  if (!sha) return;
  const data = new Uint8Array(2000).map((_, i) => (i * 7) & 0xff);
  for (const n of [0, 1, 55, 56, 64, 1165, 2000]) {
    // From an offset, as the callers hash views into larger buffers.
    const view = data.subarray(3, 3 + Math.min(n, 1997));
    const out = new Uint8Array(32);
    sha(view, out);
    assertEquals(Array.from(out), Array.from(createHash("sha256").update(view).digest()));
    // the first n bytes of a longer input, without a view of them
    const first = new Uint8Array(32);
    sha(data, first, n);
    assertEquals(
      Array.from(first),
      Array.from(createHash("sha256").update(data.subarray(0, n)).digest()),
    );
  }
});

const bun = which("bun");
if (!bun) console.error("bun not found on PATH: the Bun sha256 test is skipped");

Deno.test({
  name: "libcrypto's sha256 through bun:ffi equals node:crypto's (a bun subprocess)",
  ignore: !bun || Deno.build.os !== "linux",
  async fn() {
    const script = new URL("./ffi_probe.ts", import.meta.url).pathname;
    const out = await new Deno.Command(bun!, { args: ["run", script], stdout: "piped" }).output();
    assertEquals(out.code, 0);
    // 7 lengths, each as a view and as a prefix
    assertEquals(JSON.parse(new TextDecoder().decode(out.stdout)), {
      loaded: true,
      same: 14,
      differ: 0,
    });
  },
});
