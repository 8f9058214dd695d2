import { assert, assertEquals } from "../lib/testing.ts";
import { checkAnnounce, checkRegister } from "./validate.ts";

Deno.test("a well-formed announce passes with its fields", () => {
  assertEquals(checkAnnounce({ peer: "a-B_9", port: 4000, event: "join" }), {
    ok: true,
    value: { peer: "a-B_9", port: 4000, event: "join" },
  });
  const src = checkAnnounce({ peer: "src", port: 1, event: "heartbeat", clubs: [], extra: 1 });
  assertEquals(src, { ok: true, value: { peer: "src", port: 1, event: "heartbeat", clubs: [] } });
});

Deno.test("each bad announce field is named in the error", () => {
  const base = { peer: "p", port: 4000, event: "join" };
  const cases: [unknown, string][] = [
    [null, "JSON object"],
    [[1], "JSON object"],
    ["x", "JSON object"],
    [{ ...base, peer: "" }, '"peer"'],
    [{ ...base, peer: "x".repeat(65) }, '"peer"'],
    [{ ...base, peer: "a b" }, '"peer"'],
    [{ ...base, peer: 7 }, '"peer"'],
    [{ ...base, port: 0 }, '"port"'],
    [{ ...base, port: 65536 }, '"port"'],
    [{ ...base, port: 1.5 }, '"port"'],
    [{ ...base, port: "4000" }, '"port"'],
    [{ ...base, event: "hello" }, '"event"'],
    [{ ...base, event: undefined }, '"event"'],
    [{ ...base, clubs: [1] }, '"clubs"'],
    [{ ...base, clubs: [1, 1] }, '"clubs"'],
    [{ ...base, clubs: [1, -2] }, '"clubs"'],
    [{ ...base, clubs: "1,2" }, '"clubs"'],
    [{ ...base, clubs: [1, 2, 3] }, '"clubs"'],
  ];
  for (const [body, field] of cases) {
    const r = checkAnnounce(body);
    assert(!r.ok && r.error.includes(field), `${JSON.stringify(body)} -> ${JSON.stringify(r)}`);
  }
});

Deno.test("registration bodies: clubs range, integer ts, 64-byte base64url sig", () => {
  const sig = "A".repeat(86);
  assert(checkRegister({ clubs: 12, ts: 1, sig }).ok);
  const cases: [unknown, string][] = [
    [{ clubs: 1, ts: 1, sig }, '"clubs"'],
    [{ clubs: 257, ts: 1, sig }, '"clubs"'],
    [{ clubs: 12, ts: -1, sig }, '"ts"'],
    [{ clubs: 12, ts: 1.5, sig }, '"ts"'],
    [{ clubs: 12, ts: 1, sig: sig + "A" }, '"sig"'],
    [{ clubs: 12, ts: 1, sig: "A".repeat(43) }, '"sig"'],
    [{ clubs: 12, ts: 1 }, '"sig"'],
    [42, "JSON object"],
  ];
  for (const [body, field] of cases) {
    const r = checkRegister(body);
    assert(!r.ok && r.error.includes(field), `${JSON.stringify(body)} -> ${JSON.stringify(r)}`);
  }
});
