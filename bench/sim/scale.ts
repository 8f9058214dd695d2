/**
 * The simulator's cost at large swarms (issue 5: 10,000 peers for 120 s within 10 minutes and
 * 4 GiB): runs the club protocol on issue 2's default network at each size, one simulator
 * process per size (sim/report/run.ts, so each peak memory is its own), and records events,
 * wall time, events per second and peak resident memory. `--seconds` keeps the measured
 * window short so the large sizes fit a session; a size whose predicted wall time (from the
 * sizes before it) is over `--max-minutes` is skipped and says so.
 *
 * ```sh
 * nice -n 19 deno run -A bench/sim/scale.ts                          # 1k, 3k, 10k peers, 5 s
 * nice -n 19 deno run -A bench/sim/scale.ts --sizes 500,1000 --seconds 2 --json
 * ```
 */
import { benchArgs, benchNumbers, checkNumber, intRange, numberRange, refuse } from "../lib/cli.ts";
import { describeMachine, runSim } from "../../sim/report/run.ts";

const HELP = `deno run -A bench/sim/scale.ts [options]

  --sizes N,...      swarm sizes, in order (default 1000,3000,10000)
  --seconds S        measured seconds of each run (default 5)
  --warmup S         warm-up seconds of each run (default 10, the simulator's)
  --seed K           seed (default 1)
  --max-minutes M    skip a size predicted to take longer than this (default 15)
  --json             print one JSON object as the last line
  -h, --help         this help`;

/** One size's figures, or why it was skipped. */
export interface ScalePoint {
  readonly peers: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly command: string;
  readonly events?: number;
  readonly wallSeconds?: number;
  readonly eventsPerSecond?: number;
  readonly peakRssMB?: number | null;
  readonly delivery?: number;
  /** Set when the size was not run: the wall time the sizes before it predicted. */
  readonly skippedPredictedSeconds?: number;
}

/** Per-event cost grows with the swarm (colder caches): this exponent when one size is known. */
const DEFAULT_GROWTH = 0.45;

/**
 * Predicts the wall time of a run of `peers` from runs of the same length at smaller sizes:
 * events grow with the peers; the wall time per event grows as a power of the peers, the
 * power taken from the last two runs (clamped to 0..1), or {@link DEFAULT_GROWTH} from one.
 */
export function predictSeconds(
  done: readonly { peers: number; events: number; wallSeconds: number }[],
  peers: number,
): number | undefined {
  const last = done.at(-1);
  if (last === undefined) return undefined;
  const perEvent = (p: { events: number; wallSeconds: number }) => p.wallSeconds / p.events;
  let growth = DEFAULT_GROWTH;
  const before = done.at(-2);
  if (before !== undefined && before.peers !== last.peers) {
    const g = Math.log(perEvent(last) / perEvent(before)) / Math.log(last.peers / before.peers);
    if (Number.isFinite(g)) growth = Math.min(1, Math.max(0, g));
  }
  const ratio = peers / last.peers;
  return last.events * ratio * perEvent(last) * ratio ** growth;
}

function parse(args: string[]) {
  const v = benchArgs("scale", HELP, args, {
    sizes: { type: "string", default: "1000,3000,10000" },
    seconds: { type: "string", default: "5" },
    warmup: { type: "string", default: "10" },
    seed: { type: "string", default: "1" },
    "max-minutes": { type: "string", default: "15" },
    json: { type: "boolean", default: false },
  });
  const sizes = v.sizes.split(",").map((s) => {
    const x = checkNumber("--sizes", s, intRange(1));
    return typeof x === "string" ? refuse("scale", x) : x;
  });
  // The simulator's own ranges (sim/main.ts).
  const n = benchNumbers("scale", v, {
    seconds: numberRange(0.1, 3600),
    warmup: numberRange(0, 3600),
    seed: intRange(0),
    "max-minutes": numberRange(0.1),
  });
  return {
    json: v.json,
    sizes,
    seconds: n.seconds,
    warmup: n.warmup,
    seed: n.seed,
    maxMinutes: n["max-minutes"],
  };
}

async function main(): Promise<void> {
  const o = parse(Deno.args);
  const machine = await describeMachine();
  const points: ScalePoint[] = [];
  const done: { peers: number; events: number; wallSeconds: number }[] = [];
  for (const peers of o.sizes) {
    const args = [
      "--peers",
      `${peers}`,
      "--seconds",
      `${o.seconds}`,
      "--warmup",
      `${o.warmup}`,
      "--seed",
      `${o.seed}`,
    ];
    const base = { peers, seconds: o.seconds, warmupSeconds: o.warmup };
    const predicted = predictSeconds(done, peers);
    if (predicted !== undefined && predicted > o.maxMinutes * 60) {
      const command = `deno run -A sim/main.ts ${args.join(" ")} --json --series`;
      points.push({ ...base, command, skippedPredictedSeconds: Math.round(predicted) });
      console.error(`${peers} peers: skipped, predicted ${Math.round(predicted)} s`);
      continue;
    }
    const r = await runSim({ kind: "cost", design: "clubs", scenario: "default", peers, args });
    const rep = r.report as {
      events: number;
      wallSeconds: number;
      peakRssMB: number | null;
      delivery: number;
    };
    done.push({ peers, events: rep.events, wallSeconds: rep.wallSeconds });
    const point: ScalePoint = {
      ...base,
      command: r.command,
      events: rep.events,
      wallSeconds: rep.wallSeconds,
      eventsPerSecond: Math.round(rep.events / rep.wallSeconds),
      peakRssMB: rep.peakRssMB,
      delivery: rep.delivery,
    };
    points.push(point);
    console.error(
      `${peers} peers: ${rep.events} events, ${rep.wallSeconds} s, ` +
        `${point.eventsPerSecond} events/s, peak ${rep.peakRssMB} MB`,
    );
  }
  const loadAtEnd = Deno.loadavg().map((x) => Math.round(x * 100) / 100);
  console.log("| peers | sim s | events | wall s | events/s | peak MB |");
  console.log("|---|---|---|---|---|---|");
  for (const p of points) {
    const sim = p.warmupSeconds + p.seconds;
    console.log(
      p.skippedPredictedSeconds !== undefined
        ? `| ${p.peers} | ${sim} | skipped (predicted ${p.skippedPredictedSeconds} s) | | | |`
        : `| ${p.peers} | ${sim} | ${p.events} | ${p.wallSeconds} | ${p.eventsPerSecond} | ${p.peakRssMB} |`,
    );
  }
  if (o.json) console.log(JSON.stringify({ machine, loadAtEnd, points }));
}

if (import.meta.main) await main();
