import { assert, assertEquals } from "../../lib/testing.ts";
import type { Msg } from "../../lib/wire/messages.ts";
import { forgedAccepted, strangerChange } from "./classify.ts";
import { runFuzz } from "./fuzz.ts";
import { changedParts, snapshot } from "./snapshot.ts";
import { buildWorld, makeScenario, SRC, WATCHED } from "./world.ts";

const scenario = makeScenario(1);
const HI = 200;
const snap = (w: ReturnType<typeof buildWorld>) => snapshot(w.core, 0, HI, [], WATCHED);

Deno.test("fuzz: 3000 random and mutated datagrams, no exception and no forbidden state change", () => {
  const r = runFuzz({ runs: 3000, seed: 7, spoof: 0.1 });
  assertEquals([r.exceptions, r.violations, r.samples], [0, 0, []]);
  // The run reached every stage: the decoder, the validation, the channel tag, the core.
  const o = r.outcomes;
  for (const k of ["undecodable", "invalid", "otherChannel", "ignored", "answered"] as const) {
    assert(o[k] > 0, `no datagram came to ${k}`);
  }
  assert(Object.keys(r.delivered).length >= 8, `types delivered: ${Object.keys(r.delivered)}`);
  assert(r.costUs.mean > 0 && r.costUs.p50 <= r.costUs.p99);
});

Deno.test("fuzz: a rebuilt peer is identical to the first, so every run starts from one state", () => {
  const a = buildWorld(scenario, 1), b = buildWorld(scenario, 1);
  try {
    assertEquals(changedParts(snap(a), snap(b)), []);
    // A busy peer: connections both ways, a verified stream, playback under way.
    assertEquals([a.core.ups.size, a.core.downs.size], [2, 6]);
    assert(a.core.store.size > 150 && a.core.playback!.started);
  } finally {
    a.driver.stop();
    b.driver.stop();
  }
});

Deno.test("fuzz: the snapshot sees changes to bans, directory, store and connections", () => {
  const w = buildWorld(scenario, 1);
  try {
    const s0 = snap(w);
    w.core.bans.ban(w.now, "203.0.113.1:1");
    assertEquals(changedParts(s0, snap(w)), ["bans"]);
    const s1 = snap(w);
    w.core.directory.learn("203.0.113.2:1", [3]);
    w.core.ups.get("0|192.0.2.6:7000")!.lead = false;
    w.core.store.put({ kind: "data", seq: 150, srcTime: 0, payload: new Uint8Array(1) });
    assertEquals(changedParts(s1, snap(w)).sort(), ["conns", "directory", "store"]);
  } finally {
    w.driver.stop();
  }
});

Deno.test("fuzz: a stranger's change is allowed only where the rules allow it", () => {
  const w = buildWorld(scenario, 1);
  try {
    const s0 = snap(w);
    w.core.directory.learn("203.0.113.9:1", [1]);
    const s1 = snap(w);
    const peers: Msg = { t: "peers", club: 1, nonce: 1, peers: ["203.0.113.9:1"] };
    const ping: Msg = { t: "ping", nonce: 1, pad: 0 };
    const stranger = "198.18.0.1:1024";
    // Introductions only in answer to a find: a stranger's "peers" may change nothing.
    assertEquals(
      strangerChange(peers, stranger, ["directory"], s0, s1, []),
      "changed directory on peers",
    );
    assertEquals(
      strangerChange(ping, stranger, ["directory"], s0, s1, []),
      "changed directory on ping",
    );
    assertEquals(strangerChange(ping, stranger, [], s0, s0, []), "");
    const forged = { type: "forged", from: SRC } as const;
    assert(strangerChange(ping, stranger, [], s0, s0, [forged]).startsWith("events"));
  } finally {
    w.driver.stop();
  }
});

Deno.test("fuzz: a forged block stored, played or sent is caught", () => {
  const w = buildWorld(scenario, 1);
  try {
    assertEquals(forgedAccepted(w, scenario, [5, 6, 7], []), "");
    w.core.store.put({ kind: "data", seq: 6, srcTime: 1, payload: new Uint8Array(8) });
    assertEquals(forgedAccepted(w, scenario, [5, 6, 7], []), "stored 6");
  } finally {
    w.driver.stop();
  }
});

Deno.test("fuzz: deno task fuzz --json ends with one JSON report line", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "tests/fuzz/main.ts", "--runs", "300", "--json"],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const report = JSON.parse(lines[lines.length - 1]);
  assertEquals([out.code, report.runs, report.exceptions, report.violations], [0, 300, 0, 0]);
  assert(lines[0].startsWith("fuzz: 300 datagrams"));
});

Deno.test("fuzz: -h and --help list every flag, -h, --help included, and run nothing", async () => {
  for (const h of ["-h", "--help"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-env", "tests/fuzz/main.ts", h],
      cwd: new URL("../../", import.meta.url),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assertEquals(out.code, 0);
    for (const f of ["--runs", "--seed", "--spoof", "--json", "-h, --help"]) {
      assert(text.includes(f), `${h}: ${f}`);
    }
    assert(!text.includes("datagrams ("), `${h} ran the fuzzer: ${text}`);
  }
});
