/** The `tracker` program's command line: help, bad flags, an unopenable KV. */
import { assert, assertEquals } from "../lib/testing.ts";

const CLI = new URL("../tracker/cli.ts", import.meta.url).pathname;

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

Deno.test("tracker --help explains every flag and exits 0", async () => {
  const r = await run("--help");
  assertEquals(r.code, 0);
  for (const f of ["--port", "--hostname", "--kv", "--interval", "--rate", "-h, --help"]) {
    assert(r.out.includes(f));
  }
  assert(r.out.includes("1 to 3600") && r.out.includes("0 to 1000000"), r.out);
});

Deno.test("a bad flag exits 2 with a message naming it", async () => {
  const r = await run("--interval", "soon");
  assertEquals(r.code, 2);
  assert(r.err.includes("--interval must be an integer"), r.err);
  const u = await run("--prot", "80");
  assertEquals(u.code, 2);
  assert(u.err.includes("prot") && u.err.includes("--help"), u.err);
});

Deno.test("a KV that cannot be opened exits 1 with the path in the message", async () => {
  const r = await run("--kv", "/nonexistent-dir/for/sure/t.kv", "--port", "0");
  assertEquals(r.code, 1);
  assert(r.err.includes("cannot open KV") && r.err.includes("/nonexistent-dir"), r.err);
});
