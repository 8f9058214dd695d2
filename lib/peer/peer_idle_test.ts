/** A silent out-of-club uploader is given up after a number of its club's block intervals. */
import { assert } from "../testing.ts";
import { connectFrom, deliver, drain, Feed, makePeer, type Out, Upstream } from "./test_harness.ts";

const dropsTo = (out: Out[], to: string) =>
  out.some((o) => o.to === to && o.msg.t === "drop" && o.msg.club === 2);

function setup(idleOutBlocks: number) {
  const p = makePeer({
    myClubs: [0, 1],
    config: { idleOutBlocks, idleOutMinMs: 400, idleInMs: 8000 },
  });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "x", 2, "up", [2, 0]); // x uploads club 2, which p is not in
  drain(p, 0);
  // A signature block tells the stream's bitrate: 1 Mbit/s, so with 3 clubs a club's block
  // comes every 27 ms; 12 of them is 325 ms, below the 400 ms floor.
  const feed = new Feed(), src = new Upstream("src", 0);
  /** A batch of club 0 (and its signature) from the in-club upstream at `t`: the stream flows. */
  const flow = (t: number) => {
    const { data, auth } = feed.batch(12, t);
    deliver(p, t, [...data.filter((b) => b.seq % 3 === 0), auth], [src]);
    drain(p, t);
  };
  flow(10);
  return { p, flow };
}

Deno.test("idle out-of-club download: dropped after idleOutBlocks intervals, not before the floor", () => {
  const { p, flow } = setup(12);
  flow(300);
  p.handleTimeout(350);
  assert(!dropsTo(drain(p, 350), "x"), "kept at 350 ms (the floor is 400)");
  p.handleTimeout(450);
  assert(dropsTo(drain(p, 450), "x"), "dropped by 450 ms");
});

Deno.test("idle out-of-club download: without idleOutBlocks, idleOutMs (1500) applies", () => {
  const { p, flow } = setup(0);
  flow(400);
  p.handleTimeout(450);
  assert(!dropsTo(drain(p, 450), "x"), "kept at 450 ms");
  for (const t of [900, 1400]) flow(t);
  p.handleTimeout(1600);
  assert(dropsTo(drain(p, 1600), "x"), "dropped by 1600 ms");
});

Deno.test("idle downloads while nothing comes from anyone: kept, unbanned, until idleInMs", () => {
  // The stream stopped upstream of everyone (the source restarting): an idle uploader is not
  // at fault, and dropping and banning every one would leave nothing to resume on.
  const { p, flow } = setup(12);
  p.handleTimeout(450);
  assert(!dropsTo(drain(p, 450), "x"), "kept at 450 ms: nothing came from anyone either");
  p.handleTimeout(5000);
  assert(!dropsTo(drain(p, 5000), "x"), "kept at 5 s");
  assert(!p.bans.has("x"), "and not banned");
  flow(5100); // the stream is back: x, still silent, is judged again
  p.handleTimeout(5200);
  assert(dropsTo(drain(p, 5200), "x"), "dropped once others deliver and x stays silent");
  assert(p.bans.has("x"));
});

Deno.test("idle downloads while nothing comes from anyone: judged as usual after idleInMs", () => {
  const { p } = setup(12);
  p.handleTimeout(7900);
  assert(!dropsTo(drain(p, 7900), "x"), "kept at 7.9 s");
  p.handleTimeout(8100); // idleInMs (8 s) of silence: the peer's own link may be what died
  assert(dropsTo(drain(p, 8100), "x"), "dropped past idleInMs");
});

Deno.test("idle download from the source: given up only after idleOutMs, and never banned", () => {
  const p = makePeer({ myClubs: [0, 1], config: { idleOutBlocks: 12, idleOutMinMs: 400 } });
  connectFrom(p, 0, "x", 0, "up", [0, 1]); // an in-club upstream that carries the bitrate
  // The source offers club 2, which this peer is not in: an out-of-club download.
  connectFrom(p, 0, "src", 2, "up", []);
  drain(p, 0);
  const feed = new Feed(), x = new Upstream("x", 0);
  const flow = (t: number) => {
    const { data, auth } = feed.batch(12, t);
    deliver(p, t, [...data.filter((b) => b.seq % 3 === 0), auth], [x]);
    drain(p, t);
  };
  flow(10);
  flow(400);
  p.handleTimeout(450);
  assert(!dropsTo(drain(p, 450), "src"), "the source's silence is not judged in block intervals");
  for (const t of [900, 1400]) flow(t);
  p.handleTimeout(1600);
  assert(dropsTo(drain(p, 1600), "src"), "dropped after idleOutMs");
  assert(!p.bans.has("src"), "the source is never banned");
});

Deno.test("idle out-of-club uploader that sent no block since its accept: banned as on evidence", () => {
  // Slow peers' bans are released at every roll here, bans on evidence never.
  const config = { banReleaseChance: 1, banProvenReleaseChance: 0, banRollMs: 5000 };
  for (const sentOne of [false, true]) {
    const p = makePeer({ myClubs: [0, 1], config });
    connectFrom(p, 0, "src", 0, "up", []);
    connectFrom(p, 0, "x", 2, "up", [2, 0]); // x uploads club 2, which p is not in
    drain(p, 0);
    const feed = new Feed(), src = new Upstream("src", 0), x = new Upstream("x", 2);
    for (let t = 10; t <= 1810; t += 300) {
      const { data, auth } = feed.batch(12, t);
      deliver(p, t, [...data.filter((b) => b.seq % 3 === 0), auth], [src]);
      if (sentOne && t === 10) x.send(p, t, data[2]);
      p.handleTimeout(t);
      drain(p, t);
    }
    assert(p.bans.has("x"), "dropped as idle and banned");
    p.handleTimeout(7000); // the ban list's first roll, 5 s after the ban
    assert(p.bans.has("x") === !sentOne, sentOne ? "a slow peer: released" : "kept banned");
  }
});

Deno.test("[0053] a silent in-club backup that says have is kept, one that says nothing dropped", () => {
  const { p, run } = backupSetup();
  run(10, 3500, true);
  assert(p.downs.has("0|backup"), "the backup, which says it holds the club's blocks, is kept");
  assert(!p.downs.has("0|ghost"), "the one that says nothing is dropped as idle");
  assert(p.downs.has("0|src"));
});

Deno.test("[0053] a silent in-club backup is judged as usual once its lead is silent too", () => {
  // After a failure upstream a live but starved backup is of no use either.
  const { p, run } = backupSetup();
  run(10, 3500, true);
  run(3510, 6500, false); // the lead stops delivering; backup still says "have"
  assert(!p.downs.has("0|backup"), "dropped as idle once the lead no longer feeds the club");
});

/**
 * Where "have"s travel faster than a hold (one host), a non-lead in-club upstream never
 * sends a block: its silence is not death while it says it holds the club's blocks.
 */
function backupSetup() {
  const p = makePeer({ myClubs: [0, 1], config: { idleInMs: 2500 } });
  connectFrom(p, 0, "src", 0, "up", []); // the source pushes club 0: it becomes the lead
  connectFrom(p, 0, "backup", 0, "up", [0, 1]);
  connectFrom(p, 0, "ghost", 0, "up", [0, 2]);
  connectFrom(p, 0, "backup", 0, "down", [0, 1]); // backup downloads club 0 from p too
  drain(p, 0);
  const feed = new Feed(), src = new Upstream("src", 0);
  /** Ticks every 50 ms from `from` to `to`; the lead delivers every 100 ms if `feeds`. */
  const run = (from: number, to: number, feeds: boolean) => {
    for (let t = from; t <= to; t += 50) {
      if (feeds && (t - 10) % 100 === 0) {
        const { data, auth } = feed.batch(12, t);
        deliver(p, t, [...data.filter((b) => b.seq % 3 === 0), auth], [src]);
      }
      // backup holds the club's blocks: its "have"s on its download from p say so.
      if (t % 100 === 60) {
        p.handleMessage(t, "backup", {
          t: "have",
          club: 0,
          seqs: [Math.max(0, feed.next - 13)],
          list: false,
        });
      }
      p.handleTimeout(t);
      drain(p, t);
    }
  };
  return { p, run };
}
