import { assert, assertEquals } from "../lib/testing.ts";
import { kvKind, openKv, openKvOrWhy } from "./open_kv.ts";

Deno.test("a --kv setting names memory, a remote server, a file, or the default", () => {
  assertEquals(kvKind(":memory:"), "memory");
  assertEquals(kvKind("https://kv.example.com"), "remote");
  assertEquals(kvKind("http://127.0.0.1:4512"), "remote");
  assertEquals(kvKind("./data/t.kv"), "file");
  assertEquals(kvKind(undefined), "default");
});

Deno.test("a file KV keeps what was written across reopening", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await openKv(`${dir}/t.kv`);
    await a.set(["x"], 1);
    a.close();
    const b = await openKv(`${dir}/t.kv`);
    assertEquals((await b.get(["x"])).value, 1);
    b.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openKvOrWhy gives a one-line reason instead of throwing", async () => {
  const why = await openKvOrWhy("/nonexistent-dir/for/sure/t.kv");
  assert(typeof why === "string", "not opened");
  assert(
    why.startsWith('cannot open KV "/nonexistent-dir/for/sure/t.kv": ') && !why.includes("\n"),
    why,
  );
  const kv = await openKvOrWhy(":memory:");
  assert(typeof kv !== "string");
  kv.close();
});
