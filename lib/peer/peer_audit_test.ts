/**
 * The source's delivery checks (audit.ts): a member the source pushes a club to and that
 * delivers nothing back when asked is dropped and banned; one that answers keeps its place;
 * one that answers with a forgery is punished at once. And the peer's side: the source's
 * checks are answered from a budget of their own, ahead of other peers' repairs.
 */
import { Rng } from "../rand.ts";
import { SourceNode } from "../source/source_node.ts";
import { assert, assertEquals } from "../testing.ts";
import { BLOCK_PAYLOAD } from "../wire/budget.ts";
import type { Addr } from "../wire/messages.ts";
import { DEFAULT_CONFIG } from "./config.ts";
import type { PeerEvent } from "./events.ts";
import {
  connectFrom,
  deliver,
  drain,
  Feed,
  makePeer,
  SIGNER,
  SUITE,
  Upstream,
} from "./test_harness.ts";

Deno.test("the source drops and bans a member that leaves its checks unanswered, keeps one that answers, punishes a forged answer", () => {
  const s = new SourceNode(0, {
    self: "src",
    clubs: 3,
    rng: new Rng(1),
    signer: SIGNER,
    suite: SUITE,
    align: 1,
    thresholdMs: 800,
  });
  // "silent" and "honest" take club 0 from the source, "liar" club 1.
  const members: [Addr, number][] = [["silent", 0], ["honest", 0], ["liar", 1]];
  for (const [a, club] of members) connectFrom(s.core, 0, a, club, "down", [club, 2]);
  const wants = new Map<Addr, number>();
  const events: PeerEvent[] = [];
  let droppedAt: number | undefined;
  for (let t = 0; t <= 9000; t += 15) {
    s.input(t, new Uint8Array(BLOCK_PAYLOAD).fill(t & 0xff));
    if (s.pollTimeout() <= t) s.handleTimeout(t);
    if (t % 500 === 0) {
      for (const [a, club] of members) {
        s.handleMessage(t, a, {
          t: "keepalive",
          club,
          lead: true,
          cookie: s.core.guard.cookie(a),
          offers: false,
        });
      }
    }
    for (const { to, msg } of drain(s, t)) {
      if (msg.t !== "want") continue;
      wants.set(to, (wants.get(to) ?? 0) + 1);
      for (const seq of msg.seqs) {
        const block = s.core.store.get(seq)!;
        const club = seq % 3;
        if (to === "honest") {
          s.handleMessage(t, to, { t: "block", club, hop: 0, n: 0, repair: true, block });
        } else if (to === "liar" && block.kind === "data") {
          const forged = { ...block, payload: new Uint8Array(block.payload.length).fill(0xa5) };
          s.handleMessage(t, to, { t: "block", club, hop: 0, n: 0, repair: true, block: forged });
        }
      }
    }
    for (let e = s.pollEvent(); e; e = s.pollEvent()) {
      events.push(e);
      if (e.type === "conn" && !e.open && e.remote === "silent") droppedAt ??= t;
    }
  }
  const c = DEFAULT_CONFIG;
  // Three checks unanswered, the first after auditEveryMs: gone within a few seconds.
  assert(droppedAt !== undefined, "the silent member was dropped");
  assert(droppedAt >= c.auditEveryMs + c.auditMisses * c.auditTimeoutMs - 100, `at ${droppedAt}`);
  // The checks' own wait (800 ms by default; 1.5 s would take until 5.5 s).
  assert(droppedAt <= 4000, `at ${droppedAt}`);
  const closed = events.find((e) => e.type === "conn" && !e.open && e.remote === "silent");
  assertEquals(closed?.type === "conn" && closed.reason, "unserved");
  assert(s.core.bans.has("silent"), "and banned");
  assert((wants.get("silent") ?? 0) >= c.auditMisses);
  // The member that answers was checked all along and keeps its place.
  assert((wants.get("honest") ?? 0) >= 6, `honest checked ${wants.get("honest")} times`);
  assert(!s.core.bans.has("honest"));
  assert(s.core.ups.find("honest", 0)?.accepted, "the honest member keeps its upload");
  assert(!events.some((e) => e.type === "conn" && !e.open && e.remote === "honest"));
  // The forger is punished at its first forged answer, like any forger.
  assert(events.some((e) => e.type === "forged" && e.from === "liar"));
  assert(s.core.bans.has("liar") && s.core.ups.find("liar", 1) === undefined);
  assert(!events.some((e) => e.type === "forged" && e.from !== "liar"));
});

Deno.test("a peer answers the source's checks from their own budget, ahead of queued repairs", () => {
  const p = makePeer({ myClubs: [0, 1], clubs: 3 });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "x", 1, "up", [1, 2]);
  const feed = new Feed();
  const held: number[] = [];
  for (let i = 0; i < 8; i++) {
    const { data, auth } = feed.batch(11, i * 50);
    deliver(p, i * 50, [...data, auth], [new Upstream("src", 0), new Upstream("x", 1)]);
    for (const b of [...data, auth]) if (p.store.has(b.seq)) held.push(b.seq);
  }
  drain(p, 500);
  assert(held.length > 40, `held ${held.length}`);
  // Another peer's "want"s spend the whole repair budget (its burst).
  const burst = DEFAULT_CONFIG.repairServePerSec;
  for (let k = 0; k < burst; k += 16) {
    p.handleMessage(500, "x", { t: "want", seqs: held.slice(k, k + 16) });
  }
  p.handleMessage(500, "x", { t: "want", seqs: held.slice(burst, burst + 4) });
  const check = held[3];
  p.handleMessage(500, "src", { t: "want", seqs: [check] });
  const blocks = drain(p, 500).filter((o) => o.msg.t === "block");
  assertEquals(blocks.filter((o) => o.to === "x").length, burst, "x's repairs: the budget");
  assertEquals(blocks[0].to, "src", "the check goes first");
  assert(blocks[0].msg.t === "block" && blocks[0].msg.block.seq === check);
  assertEquals(blocks.filter((o) => o.to === "src").length, 1);
});
