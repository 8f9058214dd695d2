/**
 * The `source` program as a process, against a real tracker: bad input, a bad key path and
 * no home folder fail with one line and exit 1 (nothing on stdout when it fails before the
 * channel is registered); input that is not MPEG-TS is warned about once and still sent.
 */
import { assert, assertEquals } from "../lib/testing.ts";
import { spawnTracker, type TrackerProcess } from "../tests/tracker_process.ts";
import { generateKey, writeKey } from "./key.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the source to its end with `stdin` (bytes, or nothing: /dev/null), killed after 20 s. */
async function run(
  args: string[],
  stdin?: Uint8Array,
  env?: Record<string, string>,
): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", MAIN, ...args],
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    env,
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  if (stdin) {
    const w = child.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const o = await child.output();
  clearTimeout(timer);
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

/** A tracker and a key file for one test; `done` stops and removes both. */
async function setup(): Promise<{ tracker: TrackerProcess; key: string; dir: string }> {
  const dir = await Deno.makeTempDir();
  const key = `${dir}/source.key`;
  writeKey(key, generateKey());
  return { tracker: await spawnTracker(["--kv", ":memory:"]), key, dir };
}

async function done(s: { tracker: TrackerProcess; dir: string }): Promise<void> {
  await s.tracker.stop();
  await Deno.remove(s.dir, { recursive: true });
}

Deno.test("source: a missing or directory --input fails before any URL is printed", async () => {
  const s = await setup();
  for (
    const [input, why] of [[`${s.dir}/none.ts`, "no such file or directory"], [
      s.dir,
      "it is a directory",
    ]]
  ) {
    const r = await run(["--tracker", s.tracker.url, "--key", s.key, "--input", input]);
    assertEquals(r.code, 1, r.err);
    assertEquals(r.out, "", "no announce URL");
    assertEquals(r.err, `source: cannot read --input ${input}: ${why}\n`);
  }
  await done(s);
});

Deno.test("source: input that ends before any data exits 1 and says so", async () => {
  const s = await setup();
  const r = await run(["--tracker", s.tracker.url, "--key", s.key, "--bind", "127.0.0.1"]);
  assertEquals(r.code, 1, r.err);
  assert(r.err.includes("source: the input ended before any data arrived"), r.err);
  assert(!r.err.includes("MPEG-TS"), r.err);
  await done(s);
});

Deno.test("source: random bytes are warned about once, and streamed on", async () => {
  const s = await setup();
  const r = await run(
    ["--tracker", s.tracker.url, "--key", s.key, "--bind", "127.0.0.1"],
    crypto.getRandomValues(new Uint8Array(60_000)),
  );
  assertEquals(r.code, 0, r.err);
  const warnings = r.err.split("\n").filter((l) => l.startsWith("source: warning:"));
  assertEquals(warnings.length, 1, r.err);
  assert(
    warnings[0].includes("does not look like MPEG-TS") &&
      warnings[0].includes("viewers may not be able to play it"),
    warnings[0],
  );
  assert(r.out.startsWith(`${s.tracker.url}/c/`), r.out);
  assert(r.err.includes("source: input ended; leaving"), r.err);
  await done(s);
});

Deno.test("source: bad key places and announce URLs get one clear line", async () => {
  const dir = await Deno.makeTempDir();
  const t = "http://127.0.0.1:9"; // never reached: each case fails first
  const folder = await run(["--tracker", t, "--key", dir]);
  assertEquals(folder.code, 1);
  assert(folder.err.startsWith(`source: --key ${dir} is a directory;`), folder.err);
  assert(folder.err.includes(`keygen --out ${dir}/source.key`), folder.err);
  const keygen = await run(["keygen", "--out", dir]);
  assertEquals(keygen.code, 1);
  assert(keygen.err.includes("it is a directory; give a file in it"), keygen.err);
  const announce = await run(["--tracker", `${t}/c/whatever`]);
  assertEquals(announce.code, 2);
  assertEquals(
    announce.err,
    "source: --tracker wants the tracker's base URL (e.g. http://127.0.0.1:9), not an " +
      "announce URL\n",
  );
  // No HOME: the key would land in whatever folder this ran from.
  const denoDir = JSON.parse(
    new TextDecoder().decode(
      (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output()).stdout,
    ),
  ).denoDir;
  const homeless = await run(["--tracker", t], undefined, {
    HOME: "",
    XDG_CONFIG_HOME: "",
    APPDATA: "",
    DENO_DIR: denoDir,
  });
  assertEquals(homeless.code, 1);
  assertEquals(
    homeless.err,
    "source: no HOME or XDG_CONFIG_HOME to keep the channel key in; pass --key <file>\n",
  );
  assertEquals([...Deno.readDirSync(dir)].length, 0, "nothing written");
  await Deno.remove(dir, { recursive: true });
});
