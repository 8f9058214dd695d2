/**
 * Property test of the announce URL parser against hostile input (a URL pasted from
 * anywhere): never a throw, and an accepted URL names a tracker and a channel that give the
 * same URL back.
 */
import fc from "fast-check";
import { assert, assertEquals } from "../lib/testing.ts";
import { channelIdOf } from "../lib/channel/channel_id.ts";
import { parseAnnounceUrl } from "./announce_url.ts";

/** `text` with the character at `i` replaced by `c` (or removed when `c` is ""). */
function setChar(text: string, i: number, c: string): string {
  const k = i % text.length;
  return text.slice(0, k) + c + text.slice(k + 1);
}

Deno.test("prop: parseAnnounceUrl never throws; what it accepts round-trips", () => {
  const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const valid = fc.tuple(fc.webUrl(), key).map(([u, k]) =>
    `${u.replace(/[?#].*$/, "").replace(/\/$/, "")}/c/${channelIdOf(k)}`
  );
  const mutated = fc.tuple(valid, fc.nat(), fc.oneof(fc.string({ maxLength: 2 }), fc.constant("")))
    .map(([u, i, c]) => setChar(u, i, c));
  const junk = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.webUrl());
  fc.assert(
    fc.property(fc.oneof(valid, mutated, junk), (text) => {
      const t = parseAnnounceUrl(text);
      if (t instanceof Error) return assert(t.message.length > 0);
      assertEquals(t.key.length, 32);
      assertEquals(channelIdOf(t.key), t.channel);
      const again = parseAnnounceUrl(`${t.tracker}/c/${t.channel}`);
      assert(!(again instanceof Error));
      assertEquals([again.tracker, again.channel], [t.tracker, t.channel]);
    }),
    { numRuns: 2000 },
  );
  // And every well-formed one is accepted, naming its key.
  fc.assert(
    fc.property(valid, (text) => {
      const t = parseAnnounceUrl(text);
      assert(!(t instanceof Error), `${text}: ${t}`);
      assert(text.endsWith(`/c/${t.channel}`));
    }),
    { numRuns: 300 },
  );
});
