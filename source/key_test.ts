import { assert, assertEquals, assertThrows } from "../lib/testing.ts";
import {
  defaultKeyPath,
  generateKey,
  keyOf,
  keyText,
  loadOrCreateKey,
  parseKey,
  readKey,
  writeKey,
} from "./key.ts";

Deno.test("key file: written with mode 0600, read back to the same channel", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sub/source.key`;
  const key = generateKey();
  writeKey(path, key);
  if (Deno.build.os !== "windows") assertEquals(Deno.statSync(path).mode! & 0o777, 0o600);
  const back = readKey(path);
  assert(!(back instanceof Error));
  assertEquals(back.channel, key.channel);
  assertEquals(back.secret, key.secret);
  assertThrows(() => writeKey(path, generateKey()), Error); // never silently replaced
  await Deno.remove(dir, { recursive: true });
});

Deno.test("key file: loadOrCreateKey makes a key once and then keeps it", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/source.key`;
  const a = loadOrCreateKey(path);
  const b = loadOrCreateKey(path);
  assert(!(a instanceof Error) && !(b instanceof Error));
  assert(a.created && !b.created);
  assertEquals(b.key.channel, a.key.channel);
  Deno.writeTextFileSync(path, "garbage");
  assert(loadOrCreateKey(path) instanceof Error, "a broken key file is reported, not replaced");
  assertEquals(Deno.readTextFileSync(path), "garbage");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("key file: the test vector key has the documented channel", () => {
  const key = keyOf(new Uint8Array(32).fill(0x2a));
  assertEquals(key.channel, "GX9rI-FshTLGq8g4-s1ep4m-DHaykgM0A5v6iz02jWE");
  const parsed = parseKey(keyText(key));
  assert(!(parsed instanceof Error));
  assertEquals(parsed.channel, key.channel);
});

Deno.test("key file: malformed files are errors that say why", () => {
  const good = JSON.parse(keyText(generateKey()));
  const cases: [string, string][] = [
    ["nope", "not JSON"],
    [JSON.stringify({ ...good, clubcast: "x" }), "not a clubcast key file"],
    [JSON.stringify({ ...good, secret: "AAAA" }), "not 32 bytes"],
    [JSON.stringify({ ...good, channel: generateKey().channel }), "does not match"],
  ];
  for (const [text, why] of cases) {
    const r = parseKey(text);
    assert(r instanceof Error && r.message.includes(why), `${text}: ${r}`);
  }
});

Deno.test("default key path follows XDG, HOME and APPDATA", () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  assertEquals(defaultKeyPath(env({ HOME: "/home/a" })), "/home/a/.config/clubcast/source.key");
  assertEquals(
    defaultKeyPath(env({ HOME: "/home/a", XDG_CONFIG_HOME: "/cfg" })),
    "/cfg/clubcast/source.key",
  );
  assert(defaultKeyPath(env({ APPDATA: "C:\\Users\\a\\AppData" }))!.includes("clubcast"));
});

Deno.test("no default key path without HOME, XDG_CONFIG_HOME or APPDATA (not a relative one)", () => {
  assertEquals(defaultKeyPath(() => undefined), undefined);
  assertEquals(defaultKeyPath((n) => (n === "HOME" ? "" : undefined)), undefined);
});
