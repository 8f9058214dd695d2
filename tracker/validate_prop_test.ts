/**
 * Property tests of the tracker's body checks against arbitrary JSON and JS values: never a
 * throw, whatever passes keeps every documented rule, and every valid body passes unchanged.
 */
import fc from "fast-check";
import { assert, assertEquals } from "../lib/testing.ts";
import { checkAnnounce, checkRegister, MAX_CLUBS, MIN_CLUBS } from "./validate.ts";
import { decodeBase64Url, encodeBase64Url } from "../lib/channel/base64url.ts";

const anything = fc.anything({ maxDepth: 3, withBoxedValues: true, withNullPrototype: true });
const peerId = fc.string({
  unit: fc.constantFrom(..."abcXYZ019_-"),
  minLength: 1,
  maxLength: 64,
});
const validAnnounce = fc.record({
  peer: peerId,
  port: fc.integer({ min: 1, max: 65535 }),
  event: fc.constantFrom("join" as const, "heartbeat" as const, "leave" as const),
  clubs: fc.oneof(
    fc.constant(undefined),
    fc.constant([]),
    fc.uniqueArray(fc.nat(1000), { minLength: 2, maxLength: 2 }),
  ),
}, { noNullPrototype: true }).map((a) =>
  a.clubs === undefined ? { peer: a.peer, port: a.port, event: a.event } : a
);
const validRegister = fc.record({
  clubs: fc.integer({ min: MIN_CLUBS, max: MAX_CLUBS }),
  ts: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  sig: fc.uint8Array({ minLength: 64, maxLength: 64 }).map(encodeBase64Url),
}, { noNullPrototype: true });
/** A valid body with one field replaced by anything. */
function nearMiss<T extends object>(valid: fc.Arbitrary<T>) {
  return fc.tuple(valid, fc.constantFrom("peer", "port", "event", "clubs", "ts", "sig"), anything)
    .map(([v, k, x]) => ({ ...v, [k]: x }));
}

Deno.test("prop: checkAnnounce never throws; what it accepts keeps every rule", () => {
  fc.assert(
    fc.property(fc.oneof(anything, fc.jsonValue(), nearMiss(validAnnounce)), (body) => {
      const r = checkAnnounce(body);
      if (!r.ok) return assert(typeof r.error === "string" && r.error.length > 0);
      const a = r.value;
      assert(/^[A-Za-z0-9_-]{1,64}$/.test(a.peer));
      assert(Number.isInteger(a.port) && a.port >= 1 && a.port <= 65535);
      assert(["join", "heartbeat", "leave"].includes(a.event));
      if (a.clubs !== undefined) {
        assert(a.clubs.length === 0 || (a.clubs.length === 2 && a.clubs[0] !== a.clubs[1]));
        assert(a.clubs.every((c) => Number.isInteger(c) && c >= 0));
      }
    }),
    { numRuns: 5000 },
  );
});

Deno.test("prop: every valid announce passes with exactly its fields", () => {
  fc.assert(
    fc.property(validAnnounce, anything, (a, extra) => {
      assertEquals(checkAnnounce({ ...a, extra }), { ok: true, value: a });
    }),
    { numRuns: 1000 },
  );
});

Deno.test("prop: checkRegister never throws; what it accepts keeps every rule", () => {
  fc.assert(
    fc.property(fc.oneof(anything, fc.jsonValue(), nearMiss(validRegister)), (body) => {
      const r = checkRegister(body);
      if (!r.ok) return assert(typeof r.error === "string" && r.error.length > 0);
      const { clubs, ts, sig } = r.value;
      assert(Number.isInteger(clubs) && clubs >= MIN_CLUBS && clubs <= MAX_CLUBS);
      assert(Number.isSafeInteger(ts) && ts >= 0);
      assertEquals(decodeBase64Url(sig)?.length, 64);
    }),
    { numRuns: 5000 },
  );
});

Deno.test("prop: every valid registration body passes with exactly its fields", () => {
  fc.assert(
    fc.property(validRegister, (b) => assertEquals(checkRegister(b), { ok: true, value: b })),
    { numRuns: 1000 },
  );
});
