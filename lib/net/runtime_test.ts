import { assert, assertEquals } from "../testing.ts";
import { fileSink, fileStream, serveHttp } from "./runtime.ts";
import { which } from "./which.ts";

Deno.test("fileSink writes every chunk in order; fileStream reads them back", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.bin`;
  const sink = await fileSink(path);
  const want: number[] = [];
  for (let i = 0; i < 200; i++) {
    const chunk = new Uint8Array(100 + i).fill(i);
    want.push(...chunk);
    sink.write(chunk);
  }
  await sink.close();
  assertEquals(await sink.closed, "closed");
  const got: number[] = [];
  for await (const c of await fileStream(path)) got.push(...c);
  assertEquals(got.length, want.length);
  assert(got.every((b, i) => b === want[i]));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("fileSink rejects at once a path it cannot create, with the OS's reason", async () => {
  let why = "";
  try {
    await fileSink("/nonexistent/clubcast/out.ts");
  } catch (e) {
    why = (e as Error).message;
  }
  assert(/no such file/i.test(why), why);
});

Deno.test("fileStream rejects a missing file", async () => {
  let failed = false;
  try {
    await fileStream("/nonexistent/clubcast/input.ts");
  } catch {
    failed = true;
  }
  assert(failed);
});

async function probeEpipe(cmd: string, args: string[]): Promise<string> {
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).spawn();
  const reader = child.stdout.getReader();
  let n = 0;
  while (n < 100_000) n += (await reader.read()).value?.length ?? 0;
  await reader.cancel(); // the "player" quits
  // A probe that never notices must fail the test, not hang it.
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const err = await new Response(child.stderr).text();
  const code = (await child.status).code;
  clearTimeout(timer);
  assertEquals(code, 0, err.slice(0, 2000));
  return err;
}

const probe = new URL("./sink_probe.ts", import.meta.url).pathname;

Deno.test("stdoutSink reports EPIPE when the reader quits (Deno)", async () => {
  const err = await probeEpipe(Deno.execPath(), ["run", "-A", probe]);
  assert(err.includes("closed EPIPE"), err);
});

const bun = which("bun");
Deno.test({
  name: "stdoutSink reports EPIPE when the reader quits (Bun)",
  ignore: !bun,
  async fn() {
    const err = await probeEpipe(bun!, ["run", probe]);
    assert(err.includes("closed EPIPE"), err);
  },
});

Deno.test("serveHttp serves a handler on a free port", async () => {
  const server = await serveHttp("127.0.0.1", 0, (req) => new Response(new URL(req.url).pathname));
  const res = await fetch(`http://${server.addr}/hello`);
  assertEquals(await res.text(), "/hello");
  await server.close();
});
