/**
 * Property tests of the tracker's body reader on arbitrary bytes, declared or not, whole or
 * in chunks: never a throw; JSON under the cap parses to what was sent; anything else is a
 * 400 or a 413 with a reason.
 */
import fc from "fast-check";
import { assert, assertEquals } from "../lib/testing.ts";
import { readJson } from "./body.ts";

const CAP = 256;

/** A request whose body arrives in the given chunks, with or without Content-Length. */
function request(chunks: Uint8Array[], declare: boolean): Request {
  const size = chunks.reduce((n, c) => n + c.length, 0);
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]);
      else c.close();
    },
  });
  const headers: Record<string, string> = declare ? { "content-length": String(size) } : {};
  if (declare) {
    // A declared length goes with a whole body, as a server hands it over.
    const whole = new Uint8Array(size);
    let o = 0;
    for (const c of chunks) whole.set(c, (o += c.length) - c.length);
    return new Request("http://t/x", { method: "POST", body: whole, headers });
  }
  return new Request("http://t/x", { method: "POST", body, headers, duplex: "half" } as never);
}

const utf8 = new TextEncoder();
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 2 * CAP }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => utf8.encode(JSON.stringify(v) ?? "")),
  fc.string({ unit: "binary", maxLength: 300 }).map((s) => utf8.encode(s)),
);

Deno.test("prop: readJson never throws and answers as the bytes deserve", async () => {
  await fc.assert(
    fc.asyncProperty(
      bodies,
      fc.array(fc.nat(), { maxLength: 4 }),
      fc.boolean(),
      async (b, cuts, d) => {
        const at = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
        const chunks = [0, ...at, b.length].slice(1).map((end, k, ends) =>
          b.slice(k === 0 ? 0 : ends[k - 1], end)
        ).filter((c) => c.length > 0);
        const r = await readJson(request(chunks, d), CAP);
        let expected: unknown;
        let parses = false;
        try {
          expected = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(b));
          parses = true;
        } catch { /* not JSON */ }
        if (b.length > CAP) return assertEquals(r.ok ? 0 : r.status, 413);
        if (parses) return assertEquals(r, { ok: true, value: expected });
        assert(!r.ok && r.status === 400 && r.error.length > 0, JSON.stringify(r));
      },
    ),
    { numRuns: 1000 },
  );
});
