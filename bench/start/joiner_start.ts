/**
 * How soon joiners of a small swarm start playing, in lib/peer's test network (virtual time,
 * so the figure does not depend on the machine): the swarm of lib/peer/small_swarm.ts with
 * joins 250-1250 ms apart, a keyframe every second of input (payloads marked, and the peers'
 * playback entry test looking for the mark as peer/ts_gate.ts looks for a PAT and a
 * keyframe). Prints the join-to-start times (median, p90, max), the play delay at the start,
 * and the blocks skipped.
 *
 *     deno run -A bench/start/joiner_start.ts [loss=0.02] [seeds=12] ['{"joinHistoryMs":1600}']
 *
 * The JSON argument overrides peer settings (peers and source), to compare choices.
 */
import type { PeerConfig } from "../../lib/peer/config.ts";
import { runSmallSwarm } from "../../lib/peer/small_swarm.ts";
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import {
  benchCli,
  checkNumber,
  intRange,
  type NumberRange,
  numberRange,
  refuse,
} from "../lib/cli.ts";

const USAGE = `deno run -A bench/start/joiner_start.ts [LOSS] [SEEDS] [SETTINGS]

How soon joiners of lib/peer's small test swarm start playing, in virtual time
(bench/README.md). Prints one JSON line: join-to-start ms (p50, p90, max), the play delay
at the start and the blocks skipped.

  LOSS        datagram loss, 0 to 1 (default 0.02)
  SEEDS       runs, seeds 1 to SEEDS (default 12)
  SETTINGS    a JSON object of peer settings to override (lib/peer/config.ts), e.g.
              '{"joinHistoryMs":1600}' (default {})
  -h, --help  this help`;

const KEYFRAME_EVERY = 217, KEYFRAME = 0xaa;

/** One run: per peer, join-to-start ms, the start's play delay, and blocks skipped after it. */
function run(seed: number, loss: number, over: Partial<PeerConfig>) {
  const out = new Map<string, { start?: number; delay?: number; skipped: number }>();
  const { peers, joinedAt } = runSmallSwarm({
    seed,
    loss,
    endMs: 22_000,
    config: over,
    playback: { entry: (a) => a[0] === KEYFRAME, entryWaitMs: 4000 },
    // 250 ms apart plus up to a second: joins fall at any phase of the keyframe interval.
    joinJitterMs: 1000,
    payload: (n) => new Uint8Array(BLOCK_PAYLOAD).fill(n % KEYFRAME_EVERY === 0 ? KEYFRAME : 1),
    onEvent: (p, e, now) => {
      if (e.type !== "playback") return;
      const o = out.get(p.self) ?? out.set(p.self, { skipped: 0 }).get(p.self)!;
      if (e.event.type === "start") [o.start, o.delay] = [now, e.event.delayMs];
      if (e.event.type === "skip" && o.start !== undefined) o.skipped++;
    },
  });
  return peers.map((p) => {
    const o = out.get(p.self) ?? { skipped: 0 };
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
  const { positionals: [lossText = "0.02", seedsText = "12", settings = "{}"] } = benchCli(
    "joiner_start",
    USAGE,
    Deno.args,
    {},
    3,
  );
  const number = (name: string, text: string, range: NumberRange) => {
    const x = checkNumber(name, text, range);
    return typeof x === "string" ? refuse("joiner_start", x) : x;
  };
  const loss = number("LOSS", lossText, numberRange(0, 1));
  const seeds = number("SEEDS", seedsText, intRange(1));
  let over: Partial<PeerConfig>;
  try {
    over = JSON.parse(settings);
  } catch (e) {
    refuse("joiner_start", `SETTINGS must be a JSON object: ${(e as Error).message}`);
  }
  if (typeof over !== "object" || over === null || Array.isArray(over)) {
    refuse("joiner_start", `SETTINGS must be a JSON object, got ${settings}`);
  }
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
