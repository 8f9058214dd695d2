/**
 * tracker/main.ts, the Deno Deploy entry, under `deno serve`: settings come from the
 * environment, and the client address from the serve handler's info.
 */
import { assert, assertEquals } from "../lib/testing.ts";
import { answer, encodeBody, registration } from "../tracker/test_fixture.ts";

const MAIN = new URL("../tracker/main.ts", import.meta.url).pathname;

Deno.test("deno serve tracker/main.ts serves the tracker with settings from the environment", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["serve", "-A", "--unstable-kv", "--port", "0", "--host", "127.0.0.1", MAIN],
    env: { CLUBCAST_KV: ":memory:", CLUBCAST_INTERVAL: "7" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    // deno serve announces its address on stderr or stdout depending on the version.
    const lines = [child.stdout, child.stderr].map((s) => s.pipeThrough(new TextDecoderStream()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("deno serve did not start")), 20_000);
      for (const stream of lines) {
        (async () => {
          let seen = "";
          for await (const chunk of stream) {
            seen += chunk;
            const m = seen.match(/Listening on (http:\/\/[^/\s]+)\//);
            if (m) {
              clearTimeout(timer);
              resolve(m[1]);
            }
          }
        })();
      }
    });
    const { channel, body } = registration(12, Date.now());
    const put = await answer(
      await fetch(`${url}/c/${channel}`, { method: "PUT", body: encodeBody(body) }),
    );
    assertEquals([put.status, put.json.interval], [201, 7]);
    const join = await answer(
      await fetch(`${url}/c/${channel}/announce`, {
        method: "POST",
        body: encodeBody({ peer: "p", port: 1, event: "join" }),
      }),
    );
    assertEquals(join.json.you, { ip: "127.0.0.1" });
    assertEquals(join.json.recommend.length, 2);
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
});

Deno.test("deno serve tracker/main.ts refuses a bad setting with one line naming it, exit 1", async () => {
  const cases: [Record<string, string>, string][] = [
    [{ CLUBCAST_KV: ":memory:", CLUBCAST_INTERVAL: "abc" }, "CLUBCAST_INTERVAL must be"],
    [{ CLUBCAST_KV: ":memory:", CLUBCAST_INTERVAL: "99999" }, "from 1 to 3600"],
    [{ CLUBCAST_KV: ":memory:", CLUBCAST_RATE: "-5" }, "CLUBCAST_RATE must be"],
    [{ CLUBCAST_KV: "/nonexistent-dir/d/x.kv" }, 'CLUBCAST_KV: cannot open KV "/nonexistent-dir'],
  ];
  for (const [env, text] of cases) {
    const o = await new Deno.Command(Deno.execPath(), {
      args: ["serve", "-A", "--unstable-kv", "--port", "0", "--host", "127.0.0.1", MAIN],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(o.stderr).trim();
    assertEquals(o.code, 1, err);
    assert(err.startsWith(`tracker: `) && err.includes(text), err);
    assert(!err.includes("\n") && !/Uncaught| {4}at /.test(err), `one line, no stack: ${err}`);
  }
});
