/**
 * Property test of the whole tracker app (real Hono app, real `:memory:` KV) under arbitrary
 * requests: random methods, paths (valid, mutated and junk channel ids) and bodies (any JSON,
 * near-valid bodies, raw bytes). Never a 5xx; every refusal is a JSON error; and no request
 * without the key's signature changes the channel's record.
 */
import fc from "fast-check";
import { assert, assertEquals } from "../lib/testing.ts";
import { registration, startTestTracker } from "./test_fixture.ts";

Deno.test("prop: arbitrary requests never get a 5xx nor change a channel's registration", async () => {
  const t = await startTestTracker({ rateLimit: { rate: 0, burst: 1 } });
  try {
    const ts = Date.now();
    const { channel, body } = registration(12, ts);
    assertEquals((await t.call("PUT", `/c/${channel}`, body)).status, 201);
    const record = async () => (await t.kv.get(["ch", channel])).value;
    const before = await record();
    const id = fc.oneof(
      fc.constant(channel),
      fc.tuple(fc.nat(42), fc.string({ maxLength: 2 })).map(([i, s]) =>
        channel.slice(0, i) + s + channel.slice(i + 1)
      ),
      fc.string({ maxLength: 50 }).map(encodeURIComponent),
    );
    const path = fc.tuple(id, fc.constantFrom("", "/announce", "/x", "/")).map(([c, s]) =>
      `/c/${c}${s}`
    );
    const field = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(body.sig, ts, ts + 1, 12, 13, "join", [], [0, 1]),
    );
    const keys = ["peer", "port", "event", "clubs", "ts", "sig"];
    const jsonBody = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(fc.constantFrom(...keys), field, { noNullPrototype: true }),
    );
    const rawBody = fc.uint8Array({ maxLength: 200 });
    const req = fc.record({
      method: fc.constantFrom("GET", "PUT", "POST", "DELETE"),
      path,
      body: fc.oneof(jsonBody, rawBody, fc.constant(undefined)),
      ip: fc.constantFrom("10.0.0.1", "10.0.0.2", "::ffff:10.0.0.1", "2001:db8::1"),
    });
    await fc.assert(
      fc.asyncProperty(req, async ({ method, path, body, ip }) => {
        const sent = method === "GET" || body === undefined ? undefined : body;
        const r = await t.call(method, path, sent, ip);
        assert(r.status < 500, `${method} ${path} ${JSON.stringify(body)}: ${r.status}`);
        if (r.status >= 400) assert(typeof r.json?.error === "string", `${r.status} not JSON`);
      }),
      { numRuns: 400 },
    );
    assertEquals(await record(), before);
  } finally {
    t.close();
  }
});
