/**
 * The `peer` program as a user runs it (a real process): one-line messages and exit codes for
 * bad input, an unwritable --out or a busy --http port refused before the tracker is asked anything, and what it says
 * while the broadcast has not started.
 */
import { assert, assertEquals } from "../lib/testing.ts";
import { denoCommand } from "../tests/e2e_process.ts";
import { spawnTracker } from "../tests/tracker_process.ts";

const CHANNEL = "GX9rI-FshTLGq8g4-s1ep4m-DHaykgM0A5v6iz02jWE";
const [exe, ...pre] = denoCommand("peer");

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  // Killed after 20 s: a peer that waits where it should have refused fails the test.
  const o = await new Deno.Command(exe, {
    args: [...pre, ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

Deno.test("peer: bad flags give one clean line and exit 2", async () => {
  const url = `http://127.0.0.1:9/c/${CHANNEL}`;
  const cases: [string[], string][] = [
    [["--bogus", url], "peer: unknown option --bogus (see peer --help)\n"],
    [[url, "-x"], "peer: unknown option -x (see peer --help)\n"],
    [[url, "--delay"], "peer: --delay needs a value (see peer --help)\n"],
    [[url, "--delay", "--raw"], "peer: --delay needs a value (see peer --help)\n"],
    [[url, "--raw=yes"], "peer: --raw takes no value (see peer --help)\n"],
    [
      [url, "--port", "-3"],
      'peer: --port got "-3": a value starting with "-" must be written --port=-3 ' +
      "(see peer --help for the allowed range)\n",
    ],
    [[url, "--port=-3"], 'peer: --port must be an integer from 0 to 65535, got "-3"\n'],
  ];
  for (const [args, want] of cases) {
    const r = await run(...args);
    assertEquals([r.code, r.err], [2, want], args.join(" "));
  }
});

Deno.test("peer --help: a usage line that does not pretend to be complete, the ranges", async () => {
  const r = await run("--help");
  assertEquals(r.code, 0);
  assert(r.out.includes("\n  peer <announce-url> [options]\n"), r.out);
  for (const s of ["200..60000 ms", "0..65535", "0..10000000", "queue=MS", "until Ctrl-C"]) {
    assert(r.out.includes(s), s);
  }
});

Deno.test("peer --out that cannot be written, --http on a port in use: one line, exit 1, the tracker never asked", async () => {
  let asked = 0;
  const tracker = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    asked++;
    return new Response("{}", { status: 404 });
  });
  const url = `http://127.0.0.1:${tracker.addr.port}/c/${CHANNEL}`;
  const dir = await Deno.makeTempDir();
  try {
    const missing = await run(url, "--out", "/nonexistent/dir/x.ts");
    assertEquals(missing.code, 1);
    assertEquals(
      missing.err,
      "peer: cannot write --out /nonexistent/dir/x.ts: no such file or directory\n",
    );
    const isDir = await run(url, "--out", dir);
    assertEquals(isDir.code, 1);
    assert(isDir.err.startsWith(`peer: cannot write --out ${dir}: is a directory`), isDir.err);
    assertEquals(isDir.err.split("\n").length, 2, "one line");
    // --http's port in use (the tracker's own) is refused before joining too.
    const busy = `127.0.0.1:${tracker.addr.port}`;
    const inUse = await run(url, "--http", busy);
    assertEquals(inUse.code, 1);
    assert(inUse.err.startsWith(`peer: cannot serve HTTP at ${busy}: `), inUse.err);
    assertEquals(inUse.err.split("\n").length, 2, "one line");
    assertEquals(asked, 0, "the tracker was not contacted");
  } finally {
    await tracker.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("peer before the broadcast starts: says so in a viewer's words, waits, Ctrl-C ends it", async () => {
  const tracker = await spawnTracker(["--kv", ":memory:"]);
  const child = new Deno.Command(exe, {
    args: [...pre, `${tracker.url}/c/${CHANNEL}`, "--out", "/dev/null"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("\n")) {
      const { done, value } = await lines.read();
      if (done) break;
      seen += value;
    }
    assertEquals(
      seen.split("\n")[0],
      "peer: waiting to join: the broadcast has not started yet (no source has registered this " +
        "channel); asking every second until Ctrl-C",
    );
    child.kill("SIGINT");
    assertEquals((await child.status).code, 0);
    await lines.cancel();
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await tracker.stop();
  }
});
