import { assert, assertEquals } from "../../lib/testing.ts";
import type { BlockMsg } from "../../lib/wire/messages.ts";
import type { MapMsg } from "./messages.ts";
import { simulate } from "../main.ts";
import { SMALL_SWARM } from "../test_helpers.ts";
import { mapOf, PULL, PullNode, seqsOf } from "./pull.ts";
import { blockMsg, oneBatch, peerSpec } from "./test_helpers.ts";

function drain(p: PullNode, now: number): { to: string; t: string; seqs: number[] }[] {
  const out = [];
  for (let d = p.pollTransmit(now); d; d = p.pollTransmit(now)) {
    const m = d.msg as MapMsg | BlockMsg;
    const seqs = m.t === "block" ? [m.block.seq] : "bits" in m ? seqsOf(m) : [];
    out.push({ to: d.to, t: m.t, seqs });
  }
  return out;
}

Deno.test("buffer maps and requests carry exactly their seqs", () => {
  const m = mapOf("request", [100, 101, 107, 130]);
  assertEquals([m.base, m.bits.length], [100, 4]);
  assertEquals(seqsOf(m), [100, 101, 107, 130]);
});

Deno.test("a pull peer asks for the blocks only one partner has from that partner first", () => {
  const p = new PullNode(0, { role: "peer", spec: peerSpec("me") });
  for (const a of ["a", "b"]) p.handleMessage(0, a, { t: "link" });
  // a holds 0-12, b holds 0-5: 6-12 are rarer, and only a has them.
  p.handleMessage(10, "a", mapOf("bufmap", Array.from({ length: 13 }, (_, i) => i)));
  p.handleMessage(10, "b", mapOf("bufmap", [0, 1, 2, 3, 4, 5]));
  for (let t = 0; t <= 2000; t += 50) p.handleTimeout(t);
  const reqs = drain(p, 2000).filter((d) => d.t === "request");
  const fromA = reqs.filter((r) => r.to === "a").flatMap((r) => r.seqs);
  const fromB = reqs.filter((r) => r.to === "b").flatMap((r) => r.seqs);
  for (let s = 6; s <= 12; s++) assert(fromA.includes(s), `${s} from a`);
  assertEquals([...fromA, ...fromB].sort((x, y) => x - y), Array.from({ length: 13 }, (_, i) => i));
  assert(fromB.length > 0, "the common blocks are spread over both partners");
});

Deno.test("a pull peer serves requests for blocks it holds and pushes nothing unasked", () => {
  const p = new PullNode(0, { role: "peer", spec: peerSpec("me") });
  p.handleMessage(0, "a", { t: "link" });
  p.handleMessage(0, "c", { t: "link" });
  for (const b of oneBatch()) p.handleMessage(5, "a", blockMsg(b));
  assertEquals(drain(p, 6).filter((d) => d.t === "block"), [], "verified, not pushed");
  p.handleMessage(7, "c", mapOf("request", [3, 4, 40]));
  const sent = drain(p, 8).filter((d) => d.t === "block");
  assertEquals(sent.map((d) => [d.to, d.seqs[0]]), [["c", 3], ["c", 4]]);
});

Deno.test("in a roomy swarm the pull mesh delivers, seconds later than clubs", () => {
  const small = { ...SMALL_SWARM, capacityMix: [[1, 10]] as const, playDelayMs: 10_000 };
  const pull = simulate({ ...small, design: PULL }) as Record<string, Record<string, number>>;
  const clubs = simulate(small) as Record<string, Record<string, number>>;
  assert((pull.delivery as unknown as number) > 0.95, `pull delivery ${pull.delivery}`);
  assert(
    pull.latencyMs.p50 > clubs.latencyMs.p50 + 1000,
    `pull ${pull.latencyMs.p50} ms, clubs ${clubs.latencyMs.p50} ms`,
  );
});
