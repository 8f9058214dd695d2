import { assertEquals } from "../../lib/testing.ts";
import { RawHttpConnection } from "./raw_http.ts";

Deno.test("the raw client frames keep-alive responses by content-length", async () => {
  const ac = new AbortController();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", signal: ac.signal, onListen() {} },
    async (req) =>
      new Response(
        JSON.stringify({ m: req.method, b: await req.text(), pad: "x".repeat(70_000) }),
        {
          status: req.method === "POST" ? 201 : 200,
        },
      ),
  );
  const c = await RawHttpConnection.open(`http://127.0.0.1:${server.addr.port}`);
  try {
    for (let i = 0; i < 3; i++) {
      const r = await c.request("POST", "/x", `{"i":${i}}`);
      assertEquals(r.status, 201);
      const j = JSON.parse(new TextDecoder().decode(r.body));
      assertEquals([j.m, j.b, j.pad.length], ["POST", `{"i":${i}}`, 70_000]);
    }
    assertEquals((await c.request("GET", "/")).status, 200);
  } finally {
    c.close();
    ac.abort();
    await server.finished;
  }
});
