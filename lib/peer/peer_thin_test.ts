/**
 * Thin clubs (peer_tick.ts, downloadFromSource): a club with fewer than two live members known
 * is downloaded from the source, which takes such downloads only while it pushes the club to
 * fewer than `sourcePerClub` members, and lets them go once it has its members.
 */
import { Rng } from "../rand.ts";
import { assert, assertEquals } from "../testing.ts";
import { PeerCore } from "./peer.ts";
import { connectFrom, deliver, drain, Feed, makePeer, type Out, Upstream } from "./test_harness.ts";

const downloads = (out: Out[], club: number) =>
  out.filter((o) => o.msg.t === "connect" && o.msg.club === club && o.msg.dir === "down")
    .map((o) => o.to);

Deno.test("thin club: with one member known, the club is downloaded from the source", () => {
  const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true } });
  p.addPeers([{ addr: "x", clubs: [2, 0] }]);
  p.handleTimeout(0);
  assertEquals(downloads(drain(p, 0), 2), ["src"]);
});

Deno.test("thin club: with two members known, the source is not asked", () => {
  const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true } });
  p.addPeers([{ addr: "x", clubs: [2, 0] }, { addr: "y", clubs: [2, 1] }]);
  for (let t = 0; t <= 500; t += 50) {
    p.handleTimeout(t);
    assert(!downloads(drain(p, t), 2).includes("src"), `asked the source at ${t}`);
  }
});

Deno.test("thin club: refused by the source, the peer turns to the members it knows", () => {
  const p = makePeer({ myClubs: [0, 1], config: { thinFromSource: true } });
  p.addPeers([{ addr: "x", clubs: [2, 0] }]);
  p.handleTimeout(0);
  drain(p, 0);
  p.handleMessage(10, "src", { t: "drop", club: 2, dir: "up" });
  p.handleTimeout(50);
  const out = drain(p, 50);
  assert(!downloads(out, 2).includes("src"), "not the source again at once");
  assert(
    out.some((o) => (o.msg.t === "ping" || o.msg.t === "find") && o.to === "x"),
    "works with the member it knows instead",
  );
});

Deno.test("thin club: the source serves non-members while it lacks members, then lets them go", () => {
  const src = new PeerCore(0, {
    self: "src",
    role: "source",
    clubs: 3,
    myClubs: [],
    suite: null,
    rng: new Rng(3),
  });
  const accepted = (out: Out[], to: string) =>
    out.some((o) => o.to === to && o.msg.t === "accept" && o.msg.club === 2);
  src.addPeers([{ addr: "m1", clubs: [2, 0] }, { addr: "m2", clubs: [2, 1] }]);
  // No member of club 2 takes the stream yet: a non-member's download is taken.
  connectFrom(src, 0, "a", 2, "down", [0, 1]);
  assert(accepted(drain(src, 0), "a"), "a non-member is served while the club is thin");
  // Two members of club 2 take the source's stream: "a" is let go, the next one refused.
  connectFrom(src, 10, "m1", 2, "down", [2, 0]);
  connectFrom(src, 10, "m2", 2, "down", [2, 1]);
  assert(accepted(drain(src, 10), "m2"), "members are served");
  src.handleTimeout(50);
  assert(
    drain(src, 50).some((o) => o.to === "a" && o.msg.t === "drop" && o.msg.club === 2),
    "the stand-in download is let go",
  );
  connectFrom(src, 60, "b", 2, "down", [0, 1]);
  assert(!accepted(drain(src, 60), "b"), "a non-member is refused once the club has members");
});

Deno.test("thin-club mode: after two failed asks of its club's uploader, a block is asked of the source", () => {
  for (const thinFromSource of [true, false]) {
    const p = makePeer({ myClubs: [0, 1], config: { thinFromSource } });
    connectFrom(p, 0, "src", 0, "up", []);
    connectFrom(p, 0, "x", 2, "up", [2, 0]);
    connectFrom(p, 0, "y", 1, "up", [1, 0]);
    drain(p, 0);
    const { data, auth } = new Feed().batch(12, 0);
    deliver(p, 10, [...data.filter((b) => b.seq % 3 === 0), auth], [new Upstream("src", 0)]);
    deliver(p, 10, data.filter((b) => b.seq % 3 === 1), [new Upstream("y", 1)]);
    const x = new Upstream("x", 2);
    for (const s of [2, 5, 11]) x.send(p, 10, data[s]); // 8 never comes: x does not have it
    const askedOf: string[] = [];
    for (let t = 50; t < 3000 && askedOf.length < 3; t += 50) {
      p.handleTimeout(t);
      for (const o of drain(p, t)) {
        if (o.msg.t === "want" && o.msg.seqs.includes(8)) askedOf.push(o.to);
      }
    }
    assertEquals(askedOf.slice(0, 2), ["x", "x"], "its club's uploader first");
    if (thinFromSource) assertEquals(askedOf[2], "src", "then the source");
    else assert(askedOf[2] !== undefined, "then any connection");
  }
});
