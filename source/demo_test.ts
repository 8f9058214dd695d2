/** `deno task demo`'s command line: help, bad numbers and a port in use, before it starts anything. */
import { assert, assertEquals } from "../lib/testing.ts";

const DEMO = new URL("./demo.ts", import.meta.url).pathname;

async function demo(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", "--unstable-kv", DEMO, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr).trim() };
}

Deno.test("demo --help lists -h/--help, the ranges, and says what it streams", async () => {
  const r = await demo("--help");
  assertEquals(r.code, 0);
  for (const text of ["-h, --help", "1 to 50", "2 to 256", "ffmpeg", "demo_clip.mpegts"]) {
    assert(r.out.includes(text), `${text}: ${r.out}`);
  }
});

Deno.test("demo refuses a bad number with one line naming the flag and its range, exit 2", async () => {
  const cases: [string[], string][] = [
    [["--peers", "abc"], 'demo: --peers must be an integer from 1 to 50, got "abc"'],
    [["--peers", "0"], 'demo: --peers must be an integer from 1 to 50, got "0"'],
    [["--seconds", "abc"], 'demo: --seconds must be an integer from 1 to 86400, got "abc"'],
    [["--clubs", "1"], 'demo: --clubs must be an integer from 2 to 256, got "1"'],
    [["--port", "70000"], 'demo: --port must be an integer from 0 to 65535, got "70000"'],
    [["--bogus"], "demo: unknown option --bogus (see demo --help)"],
  ];
  for (const [args, text] of cases) {
    const r = await demo(...args);
    assertEquals([r.code, r.err, r.out], [2, text, ""], args.join(" "));
  }
});

Deno.test("demo on a port in use says so in one line and starts nothing", async () => {
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const r = await demo("--port", String(busy.addr.port));
    assertEquals(r.code, 1);
    assertEquals(r.err, `demo: port ${busy.addr.port} is in use; pass --port 0 or another port`);
    assertEquals(r.out, "");
  } finally {
    busy.close();
  }
});
