/**
 * Which peers of a simulated swarm are malicious, and of which kind: `--malicious F` makes
 * round(F × peers) of them malicious, drawn at random from the seed, dealt over the kinds in
 * turn (evenly, the first kinds getting one more when the count does not divide).
 */
import type { PeerCore } from "../../lib/peer/peer.ts";
import { Rng } from "../../lib/rand.ts";
import { Forger } from "./forger.ts";
import { Freerider } from "./freerider.ts";
import { JunkSender } from "./junk.ts";
import {
  MALICIOUS_KINDS,
  type MaliciousInit,
  type MaliciousKind,
  type MaliciousNode,
} from "./node.ts";

/**
 * The malicious peers of a swarm of `peers` peers (indexes 1..peers; 0 is the source), by
 * index. The draw has a random stream of its own, derived from `seed`, so the honest rest of
 * the run (capacities, joins, clubs, losses) is the run without malicious peers.
 */
export function pickMalicious(
  peers: number,
  share: number,
  kinds: readonly MaliciousKind[],
  seed: number,
): Map<number, MaliciousKind> {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`bad malicious share ${share}`);
  if (kinds.length === 0) throw new RangeError("no malicious kinds");
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ 0x6d616c69) >>> 0);
  const order = rng.shuffle(Array.from({ length: peers }, (_, i) => i + 1));
  const n = Math.round(share * peers);
  const out = new Map<number, MaliciousKind>();
  for (let j = 0; j < n; j++) out.set(order[j], kinds[j % kinds.length]);
  return out;
}

/** Parses a comma-separated list of kinds ("forger,junk"); throws Error on an unknown one. */
export function parseKinds(text: string): MaliciousKind[] {
  const kinds: MaliciousKind[] = [];
  for (const k of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    if (!(MALICIOUS_KINDS as readonly string[]).includes(k)) {
      throw new Error(`unknown malicious kind "${k}" (${MALICIOUS_KINDS.join(", ")})`);
    }
    if (!kinds.includes(k as MaliciousKind)) kinds.push(k as MaliciousKind);
  }
  if (kinds.length === 0) throw new Error("no malicious kind named");
  return kinds;
}

/** A malicious peer of `kind` around `core`, born at `now`, in a swarm of `nodes` nodes. */
export function makeMalicious(
  kind: MaliciousKind,
  now: number,
  core: PeerCore,
  init: MaliciousInit,
  nodes: number,
): MaliciousNode {
  switch (kind) {
    case "forger":
      return new Forger(core, init);
    case "junk":
      return new JunkSender(now, core, init, nodes);
    case "freerider":
      return new Freerider(core, init);
  }
}
