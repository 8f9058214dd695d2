/**
 * The source node [0029], [0043]: `sourcePerClub` upload connections per club (the patent's
 * embodiment has two, as the default does), each block to that many
 * peers of its club, nothing received ever relayed. And playback on top of the swarm
 * [0060]: a peer starts after about a second of data and plays in order.
 */
import { Rng } from "../rand.ts";
import { SourceNode } from "../source/source_node.ts";
import { assert, assertEquals } from "../testing.ts";
import type { Addr } from "../wire/messages.ts";
import { DEFAULT_PLAYBACK } from "./peer.ts";
import { connectFrom, drain, Feed, makeSwarm, SIGNER, stream, SUITE } from "./test_harness.ts";

function newSource(): SourceNode {
  const init = { self: "src", clubs: 3, rng: new Rng(1), signer: SIGNER, suite: SUITE };
  return new SourceNode(0, { ...init, align: 1, thresholdMs: 800 });
}

Deno.test("[0029] [0043] the source keeps sourcePerClub uploads per club and sends each block to that many peers of its club", () => {
  const { net, source, peers } = makeSwarm({ peers: 12, clubs: 4, seed: 2 });
  const per = source.core.cfg.sourcePerClub;
  assertEquals(per, 2, "the default");
  const made = new Map<number, number>();
  source.onBlock = (b) => made.set(b.seq, b.srcTime);
  stream(net, source, 3000);
  const clubsOf = new Map(peers.map((p) => [p.self, p.myClubs]));
  for (let club = 0; club < 4; club++) {
    const ups = [...source.core.ups.values()].filter((u) => u.club === club && u.accepted);
    assertEquals(ups.length, per, `club ${club}`);
    for (const u of ups) assert(clubsOf.get(u.remote)!.has(club), `${u.remote} in ${club}`);
  }
  const to = new Map<number, Addr[]>();
  for (const d of net.log) {
    if (d.from !== "src" || d.msg.t !== "block" || d.msg.repair) continue;
    const seq = d.msg.block.seq;
    to.set(seq, [...(to.get(seq) ?? []), d.to]);
  }
  let checked = 0;
  for (const [seq, at] of made) {
    if (at < 1000 || at > 2800) continue; // every club's uploads are up by 1 s
    const list = to.get(seq) ?? [];
    assertEquals(new Set(list).size, per, `block ${seq} to ${list}`);
    assertEquals(list.length, per);
    for (const a of list) assert(clubsOf.get(a)!.has(seq % 4), `${seq} to ${a}, not in its club`);
    checked++;
  }
  assert(checked > 50);
});

Deno.test("the source's members stay its members when its directory forgets them: still sourcePerClub copies of each block", () => {
  // A swarm larger than the source's directory (directoryMax) makes it forget peers it
  // learned long ago, its members among them; counted as non-members, each was joined by
  // another member, and the source's upload grew with the run (2.46 copies at 3,000 peers).
  const { net, source } = makeSwarm({ peers: 12, clubs: 4, seed: 2 });
  const per = source.core.cfg.sourcePerClub;
  stream(net, source, 2000);
  const members = [...source.core.ups.values()].filter((u) => u.accepted);
  assertEquals(members.length, 4 * per);
  for (const u of members) source.core.directory.forget(u.remote);
  const from = net.log.length;
  stream(net, source, 5000);
  for (let club = 0; club < 4; club++) {
    const ups = [...source.core.ups.values()].filter((u) => u.club === club);
    assertEquals(ups.length, per, `club ${club}: no member added`);
  }
  const to = new Map<number, number>();
  for (const d of net.log.slice(from)) {
    if (d.from !== "src" || d.msg.t !== "block" || d.msg.repair) continue;
    if (d.msg.block.kind !== "data") continue;
    to.set(d.msg.block.seq, (to.get(d.msg.block.seq) ?? 0) + 1);
  }
  assert(to.size > 100, `${to.size} blocks`);
  for (const [seq, n] of to) assertEquals(n, per, `block ${seq}`);
});

Deno.test("[0029] the source takes sourcePerClub downloaders per club and refuses one more, and never downloads", () => {
  const s = newSource();
  assertEquals(s.core.cfg.sourcePerClub, 2);
  for (const a of ["a", "b", "x"]) connectFrom(s.core, 0, a, 0, "down", [0, 1]);
  connectFrom(s.core, 0, "d", 1, "down", [1, 2]);
  connectFrom(s.core, 0, "e", 2, "up", [2, 0]);
  const out = drain(s, 0).map((o) => `${o.msg.t}>${o.to}`);
  assertEquals(out, ["accept>a", "accept>b", "drop>x", "accept>d", "drop>e"]);
});

Deno.test("[0043] the source never relays a block it receives", () => {
  const s = newSource();
  for (const a of ["a", "b"]) connectFrom(s.core, 0, a, 0, "down", [0, 1]);
  drain(s, 0);
  const { data, auth } = new Feed().batch(12, 0);
  for (const repair of [false, true]) {
    for (const block of [auth, data[3]]) {
      s.handleMessage(10, "a", { t: "block", club: 0, hop: 0, n: 1, repair, block });
    }
  }
  assertEquals(drain(s, 10).filter((o) => o.msg.t === "block"), []);
  assertEquals(s.core.stats.blocksIn, 4);
});

Deno.test("[0060] a peer starts playback once it holds about a second of data and plays in order, only verified blocks", () => {
  const { net, source, peers } = makeSwarm({ peers: 8, clubs: 4, seed: 3 });
  const made = new Map<number, number>();
  source.onBlock = (b) => made.set(b.seq, b.srcTime);
  stream(net, source, 5000);
  const buffer = DEFAULT_PLAYBACK.startBufferMs;
  for (const p of peers) {
    const events = net.events.get(p.self)!;
    const start = events.findIndex((e) => e.type === "playback" && e.event.type === "start");
    assert(start >= 0, `${p.self} started`);
    const s = events[start];
    assert(s.type === "playback");
    // When did the verified data first span `buffer` ms of the source's time?
    let lo = Infinity, hi = -Infinity, reached: number | undefined, first: number | undefined;
    for (const e of events) {
      if (e.type !== "ready" || e.kind !== "data") continue;
      first ??= e.at;
      lo = Math.min(lo, made.get(e.seq)!);
      hi = Math.max(hi, made.get(e.seq)!);
      if (hi - lo >= buffer) {
        reached = e.at;
        break;
      }
    }
    assert(reached !== undefined && first !== undefined);
    assertEquals(s.event.at, reached, `${p.self} starts when a second of data is in`);
    const ready = new Set<number>();
    let last = -1, plays = 0;
    for (const [i, e] of events.entries()) {
      if (e.type === "ready") ready.add(e.seq);
      if (e.type !== "playback" || e.event.type !== "play") continue;
      assert(i > start, "no play before the start");
      assert(e.event.seq > last, `${p.self} played ${e.event.seq} after ${last}`);
      assert(ready.has(e.event.seq), `${p.self} played ${e.event.seq} before it was verified`);
      last = e.event.seq;
      plays++;
    }
    assert(plays > 20, `${p.self} played ${plays}`);
  }
});

Deno.test("the source offers a club to a spare member while one of its members is silent, and drops the spare once all are heard", () => {
  const { net, source, peers } = makeSwarm({ peers: 12, clubs: 4, seed: 2 });
  const silentMs = source.core.cfg.sourceSpareSilentMs;
  assert(silentMs > 0 && silentMs < source.core.cfg.keepaliveTimeoutMs);
  stream(net, source, 3000);
  const members = () =>
    [...source.core.ups.values()].filter((u) => u.club === 0 && u.accepted).map((u) => u.remote);
  const [quiet, other] = members();
  assertEquals(members().length, 2);
  // `quiet` falls silent: nothing from it reaches anyone for 1.5 s (less than the keep-alive
  // timeout, so the source has not dropped it), then it is heard again.
  net.drop = (d) => d.from === quiet && net.now < 4500;
  stream(net, source, 3000 + silentMs + 400);
  const during = members();
  assertEquals(during.length, 3, `a spare offered and taken: ${during}`);
  assert(during.includes(quiet) && during.includes(other));
  const spare = during.find((a) => a !== quiet && a !== other)!;
  assert(peers.find((p) => p.self === spare)!.myClubs.has(0), "the spare is a member of the club");
  stream(net, source, 5500);
  assertEquals(members().sort(), [other, quiet].sort(), "the newest, the spare, dropped");
});
