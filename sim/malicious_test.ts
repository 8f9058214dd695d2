import { assert, assertEquals, assertThrows } from "../lib/testing.ts";
import { parseSimArgs, simulate } from "./main.ts";
import { DEFAULT_SWARM } from "./swarm.ts";

// A small swarm with room to spare (every peer uploads 3x the stream rate), a fifth of it
// malicious: two peers of each kind.
const small = {
  ...DEFAULT_SWARM,
  peers: 30,
  seconds: 4,
  seed: 5,
  joinSpreadMs: 1000,
  warmupSeconds: 2,
  capacityMix: [[1, 3]] as const,
  malicious: 0.2,
  maliciousKinds: ["forger", "junk", "freerider"] as const,
};

type Kind = { peers: number; bannedPeers: number; forged: number; withheld: number; junk: number };
type Report = Record<string, number> & {
  forged: Record<string, number>;
  maliciousPeers: Record<string, Kind>;
};

Deno.test("malicious swarm: no forged block played or relayed, forgers banned, stream kept", () => {
  const { wallSeconds: _, ...r } = simulate(small) as Report;
  assertEquals(r.forgedAccepted, 0);
  assertEquals([r.forged.storedByHonest, r.forged.honestAccused], [0, 0]);
  const k = r.maliciousPeers;
  assertEquals([k.forger.peers, k.junk.peers, k.freerider.peers], [2, 2, 2]);
  assertEquals(r.honestPeers, 24);
  // The attacks happened ...
  assert(r.forged.made > 100 && k.forger.forged > 50, `forged ${r.forged.made}`);
  assert(k.junk.junk > 500 && k.freerider.withheld > 100);
  // ... every forger was banned by some honest peer, and so was every junk sender (its
  // blocks are forged too) ...
  assertEquals(k.forger.bannedPeers, 2);
  assertEquals(k.junk.bannedPeers, 2);
  // ... and honest peers still played most of the stream. (A swarm this small suffers
  // more than a large one: a club has five members, a fifth of them malicious.)
  assert(r.delivery > 0.5, `delivery ${r.delivery}`);
  const { wallSeconds: __, ...again } = simulate(small) as Report;
  assertEquals(again, r, "same seed, same report");
});

Deno.test("--malicious and --malicious-kinds are parsed; without them the report is unchanged", () => {
  const p = parseSimArgs(["--malicious", "0.1", "--malicious-kinds", "forger,junk"]);
  assert(p !== "help");
  assertEquals([p.opts.malicious, p.opts.maliciousKinds], [0.1, ["forger", "junk"]]);
  const all = parseSimArgs(["--malicious", "0.1"]);
  assert(all !== "help");
  assertEquals(all.opts.maliciousKinds, ["forger", "junk", "freerider"]);
  const none = parseSimArgs([]);
  assert(none !== "help" && none.opts.malicious === undefined);
  assertThrows(() => parseSimArgs(["--malicious", "2"]));
  assertThrows(() => parseSimArgs(["--malicious", "0.1", "--malicious-kinds", "liar"]));
  assertThrows(() => parseSimArgs(["--malicious-kinds", "junk"]));
  const plain = simulate({ ...small, malicious: 0, peers: 12, seconds: 2 });
  for (const key of ["malicious", "forgedAccepted", "forged", "honestPeers", "maliciousPeers"]) {
    assert(!(key in plain), `no ${key} without malicious peers`);
  }
});
