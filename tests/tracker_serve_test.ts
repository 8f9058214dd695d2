/**
 * tracker/main.ts, the Deno Deploy entry, under `deno serve`: settings come from the
 * environment, and the client address from the serve handler's info.
 */
import { assertEquals } from "../lib/testing.ts";
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
