import { assert, assertEquals } from "../lib/testing.ts";
import { PEER_V8_FLAGS } from "./v8_flags.ts";
import { programArgs } from "../bench/swarm/swarm.ts";

const ROOT = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, ROOT));

Deno.test("the peer's V8 flag is passed wherever the peer is started or built", () => {
  const tasks = JSON.parse(read("deno.json")).tasks as Record<string, string>;
  assert(tasks.peer.includes(` ${PEER_V8_FLAGS} `), tasks.peer);
  const compilePeer = tasks.compile.split("&&").find((c) => c.includes("peer/main.ts"))!;
  assert(compilePeer.includes(` ${PEER_V8_FLAGS} `), compilePeer);
  const release = read(".github/workflows/release.yml").split("\n")
    .filter((l) => l.includes("deno compile") && l.includes("peer/main.ts"));
  assertEquals(release.length, 1);
  assert(release[0].includes(` ${PEER_V8_FLAGS} `), release[0]);
  assert(programArgs("peer", []).includes(PEER_V8_FLAGS));
  assert(!programArgs("source", []).includes(PEER_V8_FLAGS));
});

Deno.test("this Deno accepts the peer's V8 flag (a flag V8 does not know stops deno)", async () => {
  const run = (flag: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", flag, "--no-config", "data:text/javascript,console.log('ran')"],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const ok = await run(PEER_V8_FLAGS);
  assertEquals(ok.code, 0, new TextDecoder().decode(ok.stderr));
  assertEquals(new TextDecoder().decode(ok.stdout).trim(), "ran");
  // The check above could not pass by accident: a misspelt flag is refused.
  const bad = await run("--v8-flags=--max-semi-space-sise=2");
  assert(bad.code !== 0);
});
