import { assert, assertEquals } from "../lib/testing.ts";
import { parseAnnounceUrl } from "./announce_url.ts";

const ID = "GX9rI-FshTLGq8g4-s1ep4m-DHaykgM0A5v6iz02jWE";

Deno.test("announce URL: tracker base and channel key, with or without a path prefix", () => {
  const a = parseAnnounceUrl(`http://127.0.0.1:8000/c/${ID}`);
  assert(!(a instanceof Error));
  assertEquals([a.tracker, a.channel, a.key.length], ["http://127.0.0.1:8000", ID, 32]);
  const b = parseAnnounceUrl(`https://t.example/live/c/${ID}/`);
  assert(!(b instanceof Error));
  assertEquals(b.tracker, "https://t.example/live");
});

Deno.test("announce URL: mistakes say what is wrong", () => {
  const cases: [string, string][] = [
    ["nope", "not a URL"],
    [`ftp://x/c/${ID}`, "http or https"],
    ["http://x/channel", "no /c/<channel>"],
    ["http://x/c/short", "not a channel id"],
    [`http://x/c/${ID.slice(0, 42)}B`, "not a channel id"],
  ];
  for (const [url, why] of cases) {
    const r = parseAnnounceUrl(url);
    assert(r instanceof Error && r.message.includes(why), `${url}: ${r}`);
  }
});
