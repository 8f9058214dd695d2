/**
 * How soon joiners of a small swarm start playing, in lib/peer's test network (virtual time,
 * so the figure does not depend on the machine): a source and 8 peers over 12 clubs with the
 * programs' settings, peers joining 250-1250 ms apart, a keyframe every second of input (payloads
 * marked, and the peers' playback entry test looking for the mark as peer/ts_gate.ts looks for
 * a PAT and a keyframe), random loss on every datagram, 3 peers killed at 10 s. Prints the
 * join-to-start times (median, p90, max), the play delay at the start, and the blocks skipped.
 *
 *     deno run -A bench/start/joiner_start.ts [loss=0.02] [seeds=12] ['{"joinHistoryMs":1600}']
 *
 * The JSON argument overrides peer settings (peers and source), to compare choices.
 */
import { ClubDeck } from "../../lib/club/deck.ts";
import { Rng } from "../../lib/rand.ts";
import { SourceNode } from "../../lib/source/source_node.ts";
import { PeerCore } from "../../lib/peer/peer.ts";
import { type PeerConfig, PROGRAM_CONFIG, SOURCE_PROGRAM_CONFIG } from "../../lib/peer/config.ts";
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import { SIGNER, SUITE, TestNet } from "../../lib/peer/test_harness.ts";

const CLUBS = 12, PEERS = 8, KILLED = 3, KILL_AT = 10_000, END = 22_000;
const BLOCK_EVERY = 4.6, KEYFRAME_EVERY = 217, KEYFRAME = 0xaa;

/** One run: per peer, join-to-start ms, the start's play delay, and blocks skipped after it. */
function run(seed: number, loss: number, over: Partial<PeerConfig>) {
  const rng = new Rng(seed), lossRng = rng.fork(), joinRng = rng.fork();
  const net = new TestNet(1);
  net.drop = () => lossRng.chance(loss);
  const source = new SourceNode(0, {
    self: "src",
    clubs: CLUBS,
    rng: rng.fork(),
    signer: SIGNER,
    suite: SUITE,
    align: 1,
    thresholdMs: 800,
    config: { ...SOURCE_PROGRAM_CONFIG, ...over },
  });
  net.nodes.set("src", source);
  const deck = new ClubDeck(CLUBS, rng.fork());
  const peers: PeerCore[] = [], joinedAt = new Map<string, number>();
  const out = new Map<string, { start?: number; delay?: number; skipped: number }>();
  const live = () =>
    peers.filter((p) => net.nodes.has(p.self)).map((p) => ({
      addr: p.self,
      clubs: [...p.myClubs],
    }));
  let nextJoin = 3000, nextAnnounce = 2000, made = 0;
  while (net.now < END) {
    const now = net.now;
    if (peers.length < PEERS && now >= nextJoin) {
      const p = new PeerCore(now, {
        self: `p${peers.length + 1}`,
        role: "peer",
        clubs: CLUBS,
        myClubs: deck.deal(),
        rng: rng.fork(),
        suite: SUITE,
        source: "src",
        config: { ...PROGRAM_CONFIG, ...over },
        playback: { entry: (a) => a[0] === KEYFRAME, entryWaitMs: 4000 },
      });
      p.addPeers(live());
      peers.push(p);
      net.nodes.set(p.self, p);
      joinedAt.set(p.self, now);
      out.set(p.self, { skipped: 0 });
      // 250 ms apart plus up to a second: joins fall at any phase of the keyframe interval.
      nextJoin += 250 + joinRng.int(1000);
    }
    if (now >= nextAnnounce) {
      nextAnnounce += 2000;
      for (const n of [source, ...peers]) n.addPeers(live());
    }
    if (now >= KILL_AT && net.nodes.has(peers[PEERS - 1].self)) {
      for (const p of peers.slice(PEERS - KILLED)) net.nodes.delete(p.self);
    }
    const mark = made++ % KEYFRAME_EVERY === 0 ? KEYFRAME : 1;
    source.input(now, new Uint8Array(BLOCK_PAYLOAD).fill(mark));
    net.runUntil(now + BLOCK_EVERY);
    for (const [addr, events] of net.events) {
      const o = out.get(addr);
      for (const e of events) {
        if (!o || e.type !== "playback") continue;
        if (e.event.type === "start") [o.start, o.delay] = [net.now, e.event.delayMs];
        if (e.event.type === "skip" && o.start !== undefined) o.skipped++;
      }
      events.length = 0;
    }
  }
  return peers.map((p) => {
    const o = out.get(p.self)!;
    return {
      startMs: (o.start ?? NaN) - joinedAt.get(p.self)!,
      delayMs: o.delay,
      skipped: o.skipped,
    };
  });
}

const quantile = (xs: number[], q: number) =>
  xs[Math.min(xs.length - 1, Math.floor(xs.length * q))];

if (import.meta.main) {
  const loss = Number(Deno.args[0] ?? 0.02), seeds = Number(Deno.args[1] ?? 12);
  const over = JSON.parse(Deno.args[2] ?? "{}") as Partial<PeerConfig>;
  const rows = [];
  for (let seed = 1; seed <= seeds; seed++) rows.push(...run(seed, loss, over));
  const starts = rows.map((r) => r.startMs).filter((x) => x >= 0).sort((a, b) => a - b);
  const delays = rows.map((r) => r.delayMs ?? NaN).filter((x) => x >= 0).sort((a, b) => a - b);
  console.log(JSON.stringify({
    loss,
    seeds,
    settings: over,
    joiners: rows.length,
    started: starts.length,
    startMs: {
      p50: Math.round(quantile(starts, 0.5)),
      p90: Math.round(quantile(starts, 0.9)),
      max: Math.round(starts.at(-1)!),
    },
    startDelayMsP50: Math.round(quantile(delays, 0.5)),
    skipped: rows.reduce((n, r) => n + r.skipped, 0),
  }));
}
