/** A silent out-of-club uploader is given up after a number of its club's block intervals. */
import { assert } from "../testing.ts";
import { connectFrom, deliver, drain, Feed, makePeer, type Out, Upstream } from "./test_harness.ts";

const dropsTo = (out: Out[], to: string) =>
  out.some((o) => o.to === to && o.msg.t === "drop" && o.msg.club === 2);

function setup(idleOutBlocks: number) {
  const p = makePeer({ myClubs: [0, 1], config: { idleOutBlocks, idleOutMinMs: 400 } });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "x", 2, "up", [2, 0]); // x uploads club 2, which p is not in
  drain(p, 0);
  // A signature block tells the stream's bitrate: 1 Mbit/s, so with 3 clubs a club's block
  // comes every 27 ms; 12 of them is 325 ms, below the 400 ms floor.
  const { data, auth } = new Feed().batch(12, 0);
  deliver(p, 10, [...data.filter((b) => b.seq % 3 === 0), auth], [new Upstream("src", 0)]);
  drain(p, 10);
  return p;
}

Deno.test("idle out-of-club download: dropped after idleOutBlocks intervals, not before the floor", () => {
  const p = setup(12);
  p.handleTimeout(350);
  assert(!dropsTo(drain(p, 350), "x"), "kept at 350 ms (the floor is 400)");
  p.handleTimeout(450);
  assert(dropsTo(drain(p, 450), "x"), "dropped by 450 ms");
});

Deno.test("idle out-of-club download: without idleOutBlocks, idleOutMs (1500) applies", () => {
  const p = setup(0);
  p.handleTimeout(450);
  assert(!dropsTo(drain(p, 450), "x"), "kept at 450 ms");
  p.handleTimeout(1600);
  assert(dropsTo(drain(p, 1600), "x"), "dropped by 1600 ms");
});

Deno.test("idle download from the source: given up only after idleOutMs, and never banned", () => {
  const p = makePeer({ myClubs: [0, 1], config: { idleOutBlocks: 12, idleOutMinMs: 400 } });
  connectFrom(p, 0, "x", 0, "up", [0, 1]); // an in-club upstream that carries the bitrate
  // The source offers club 2, which this peer is not in: an out-of-club download.
  p.handleMessage(0, "src", { t: "connect", club: 2, dir: "up", clubs: [], have: null });
  drain(p, 0);
  const { data, auth } = new Feed().batch(12, 0);
  deliver(p, 10, [...data.filter((b) => b.seq % 3 === 0), auth], [new Upstream("x", 0)]);
  drain(p, 10);
  p.handleTimeout(450);
  assert(!dropsTo(drain(p, 450), "src"), "the source's silence is not judged in block intervals");
  p.handleTimeout(1600);
  assert(dropsTo(drain(p, 1600), "src"), "dropped after idleOutMs");
  assert(!p.bans.has("src"), "the source is never banned");
});
