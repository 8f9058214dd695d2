import { assertEquals } from "../lib/testing.ts";
import { readJson } from "./body.ts";

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://t/x", { method: "POST", body, headers });
}

Deno.test("a JSON body under the cap parses", async () => {
  assertEquals(await readJson(post('{"a":1}'), 4096), { ok: true, value: { a: 1 } });
});

Deno.test("bodies over the cap are refused by header and while streaming", async () => {
  const big = "x".repeat(5000);
  assertEquals((await readJson(post(big), 4096)).ok, false);
  const r = await readJson(post(big, { "content-length": "5000" }), 4096);
  assertEquals(r.ok ? 0 : r.status, 413);
  // No Content-Length: a stream that keeps going is cut at the cap.
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(new Uint8Array(1024).fill(32));
    },
  });
  const s = await readJson(post(stream), 4096);
  assertEquals(s.ok ? 0 : s.status, 413);
});

Deno.test("empty, non-UTF-8 and malformed bodies are 400 with a reason", async () => {
  for (
    const [body, word] of [
      [null, "empty"],
      ["  ", "empty"],
      [new Uint8Array([0x7b, 0xff, 0x7d]), "UTF-8"],
      ['{"a":', "malformed JSON"],
    ] as const
  ) {
    const r = await readJson(post(body), 4096);
    assertEquals(r.ok ? 0 : r.status, 400);
    assertEquals(!r.ok && r.error.includes(word), true, `${word}: ${JSON.stringify(r)}`);
  }
});
