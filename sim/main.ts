/**
 * `deno task sim`: runs the virtual swarm and prints what it measured, as a table or, with
 * --json, as one JSON object on the last line of stdout.
 */
import { parseArgs } from "node:util";
import { argsErrorMessage } from "../lib/net/cli_args.ts";
import {
  DEFAULT_SWARM,
  type OnWindow,
  runSwarm,
  type SwarmOptions,
  type SwarmResult,
} from "./swarm.ts";
import { ProgressLine } from "./progress.ts";
import { round } from "./metrics.ts";
import type { PeerConfig } from "../lib/peer/config.ts";
import { runSwarmInWorkers } from "./parallel.ts";
import { MALICIOUS_KINDS } from "./malicious/node.ts";
import { parseKinds } from "./malicious/pick.ts";
import { designNamed, DESIGNS } from "./designs/all.ts";
import { scenarioNamed, SCENARIOS } from "./scenarios.ts";

const HELP = `deno task sim [options]

Runs a clubcast swarm in the discrete-event simulator (virtual clock, in-memory network,
the real protocol core) and prints what it measured. A run longer than 10 s says how far
it is on stderr every 10 s.

  --peers N        peers in the swarm (default ${DEFAULT_SWARM.peers})
  --seconds S      simulated seconds (default ${DEFAULT_SWARM.seconds})
  --seed K         seed of the run; the same seed replays the same run (default 1)
  --bitrate KBPS   stream bitrate, kbit/s (default ${DEFAULT_SWARM.bitrateKbps})
  --loss P         random loss per datagram, 0..1 (default ${DEFAULT_SWARM.loss})
  --delay MS       target play delay of every peer, ms (default ${DEFAULT_SWARM.playDelayMs})
  --warmup S       seconds for the swarm to form before the S measured ones; start-up is
                   measured during it, everything else after it (default ${DEFAULT_SWARM.warmupSeconds})
  --clubs C        number of clubs (default ${DEFAULT_SWARM.clubs})
  --design D       how the stream spreads: ${DESIGNS.map((d) => d.name).join(", ")}
                   (default clubs; the others are the baselines of docs/simulator.md)
  --network M      latency model: uniform (issue 2's: ${DEFAULT_SWARM.minLatencyMs}-${DEFAULT_SWARM.maxLatencyMs} ms per pair, the
                   default) or regions (peers on the map, docs/simulator.md)
  --scenario S     one of the scenarios of docs/simulator.md:
${SCENARIOS.map((x) => `                     ${x.name.padEnd(10)} ${x.about}`).join("\n")}
                   churn and failure add deliveryAfterFailure to the report
  --offers O       what the peers offer instead of sending the copies they hold as backups
                   (docs/protocol.md, "Offers instead of held copies"): data (the default),
                   all (signature blocks too) or none (the patent's push)
  --series         add per-second delivery and duplicates, the latency CDF and the peak
                   memory (for deno task report)
  --malicious F    make a share F (0..1) of the peers malicious, drawn from the seed;
                   delivery and the other metrics then count honest peers only, and the
                   report adds forgedAccepted and what each kind did (default 0)
  --malicious-kinds K,...
                   the kinds dealt over the malicious peers in turn: ${MALICIOUS_KINDS.join(", ")}
                   (default all)
  --workers W      run the swarm in W worker threads, a share of the peers each (default:
                   2 on a machine with 2 cores or more, else 1; runs with --malicious use 1).
                   The figures are the same for any W; only the wall time changes
  --json           print one JSON object as the last line instead of a table
  -h, --help       this help
`;

/** What the command line asks for. */
export interface SimArgs {
  readonly opts: SwarmOptions;
  readonly json: boolean;
  readonly labels: RunLabels;
  /** Worker threads to run in (1: this thread). */
  readonly workers: number;
}

/** What the report says of a run beyond its options. */
export interface RunLabels {
  /** The scenario's name, when one was given. */
  readonly scenario?: string;
  /** Add the per-second series, the latency CDF and the peak memory. */
  readonly series?: boolean;
  /** The `--offers` choice, when one was given. */
  readonly offers?: string;
}

/** The peer settings of an `--offers` choice; throws Error naming the choices otherwise. */
export function offersConfig(choice: string): Partial<PeerConfig> {
  switch (choice) {
    case "data":
      return { offerSignatures: false };
    case "all":
      return { offerSignatures: true };
    case "none":
      return { offerHoldMs: 0 };
  }
  throw new Error(`--offers: "${choice}" is none of data, all, none`);
}

/** Parses the command line into swarm options; throws Error with a readable message. */
export function parseSimArgs(args: string[]): SimArgs | "help" {
  const { values } = parseArgs({
    args,
    options: {
      peers: { type: "string" },
      seconds: { type: "string" },
      seed: { type: "string" },
      bitrate: { type: "string" },
      loss: { type: "string" },
      delay: { type: "string" },
      clubs: { type: "string" },
      warmup: { type: "string" },
      malicious: { type: "string" },
      "malicious-kinds": { type: "string" },
      design: { type: "string" },
      network: { type: "string" },
      scenario: { type: "string" },
      offers: { type: "string" },
      series: { type: "boolean", default: false },
      workers: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const num = (name: string, v: string | undefined, def: number, ok: (x: number) => boolean) => {
    if (v === undefined) return def;
    const x = Number(v);
    if (!Number.isFinite(x) || !ok(x)) throw new Error(`--${name}: bad value "${v}"`);
    return x;
  };
  const int = (x: number) => Number.isInteger(x);
  const d = DEFAULT_SWARM;
  let opts: SwarmOptions = {
    ...d,
    peers: num("peers", values.peers, d.peers, (x) => int(x) && x >= 1 && x <= 100_000),
    seconds: num("seconds", values.seconds, d.seconds, (x) => x > 0 && x <= 3600),
    seed: num("seed", values.seed, d.seed, (x) => int(x) && x >= 0),
    bitrateKbps: num("bitrate", values.bitrate, d.bitrateKbps, (x) => x >= 8 && x <= 100_000),
    loss: num("loss", values.loss, d.loss, (x) => x >= 0 && x < 1),
    playDelayMs: num("delay", values.delay, d.playDelayMs, (x) => x >= 500 && x <= 60_000),
    clubs: num("clubs", values.clubs, d.clubs, (x) => int(x) && x >= 2 && x <= 64),
    warmupSeconds: num("warmup", values.warmup, d.warmupSeconds, (x) => x >= 0 && x <= 3600),
  };
  if (values.design !== undefined) opts = { ...opts, design: designNamed(values.design) };
  if (values.network !== undefined) {
    if (values.network !== "uniform" && values.network !== "regions") {
      throw new Error(`--network: "${values.network}" is neither uniform nor regions`);
    }
    opts = { ...opts, network: values.network };
  }
  if (values.offers !== undefined) {
    const config = { ...opts.config, ...offersConfig(values.offers) };
    opts = { ...opts, config };
  }
  const scenario = values.scenario === undefined ? undefined : scenarioNamed(values.scenario);
  if (scenario) opts = scenario.apply(opts);
  const malicious = num("malicious", values.malicious, 0, (x) => x >= 0 && x <= 1);
  const kinds = values["malicious-kinds"];
  if (malicious > 0) {
    if (opts.design && opts.design.name !== "clubs") {
      throw new Error("--malicious needs the club design");
    }
    opts = { ...opts, malicious, maliciousKinds: kinds ? parseKinds(kinds) : MALICIOUS_KINDS };
  } else if (kinds !== undefined) throw new Error("--malicious-kinds needs --malicious");
  const cores = navigator.hardwareConcurrency ?? 1;
  const workers = malicious > 0
    ? 1
    : num("workers", values.workers, Math.min(2, cores), (x) => int(x) && x >= 1 && x <= 64);
  if (malicious > 0 && values.workers !== undefined && values.workers !== "1") {
    throw new Error("--workers: a run with --malicious runs in one thread");
  }
  return {
    opts,
    json: values.json,
    labels: { scenario: scenario?.name, series: values.series, offers: values.offers },
    workers,
  };
}

/** Runs the simulation in this thread and builds the report object. */
export function simulate(
  opts: SwarmOptions,
  labels: RunLabels = {},
  onWindow?: OnWindow,
): Record<string, unknown> {
  const t0 = performance.now();
  const r = runSwarm(opts, 1, onWindow);
  return reportOf(opts, labels, r, (performance.now() - t0) / 1000);
}

/**
 * Runs the simulation in `workers` worker threads (parallel.ts; 1: in this thread) and
 * builds the report object: the same as {@link simulate}'s but for the wall time.
 */
export async function simulateInWorkers(
  opts: SwarmOptions,
  labels: RunLabels,
  workers: number,
  onWindow?: OnWindow,
): Promise<Record<string, unknown>> {
  if (workers <= 1) return simulate(opts, labels, onWindow);
  const t0 = performance.now();
  const r = await runSwarmInWorkers(opts, workers, onWindow);
  return reportOf(opts, labels, r, (performance.now() - t0) / 1000);
}

/** The report object of run `r`. */
function reportOf(
  opts: SwarmOptions,
  labels: RunLabels,
  r: SwarmResult,
  wallSeconds: number,
): Record<string, unknown> {
  const c = r.counters;
  const { block, control } = c.split();
  const afterFailure = opts.recoveryFromMs === undefined ? {} : {
    deliveryAfterFailure: c.afterPlayed + c.afterSkipped === 0
      ? null // the run ended before 5 s after the failure
      : round(c.afterPlayed / (c.afterPlayed + c.afterSkipped), 6),
    survivors: r.survivors,
  };
  const report = {
    ...(opts.design ? { design: opts.design.name } : {}),
    ...(labels.scenario ? { scenario: labels.scenario } : {}),
    ...(labels.offers ? { offers: labels.offers } : {}),
    ...(opts.network ? { network: opts.network } : {}),
    seed: opts.seed,
    peers: opts.peers,
    seconds: opts.seconds,
    warmupSeconds: opts.warmupSeconds,
    bitrateKbps: opts.bitrateKbps,
    clubs: opts.clubs,
    loss: opts.loss,
    playDelayMs: opts.playDelayMs,
    delivery: round(c.played / Math.max(1, c.played + c.skipped), 6),
    ...afterFailure,
    played: c.played,
    skipped: c.skipped,
    startupMs: { p50: c.startup.quantile(0.5), p99: c.startup.quantile(0.99) },
    latencyMs: {
      p50: c.latency.quantile(0.5),
      p90: c.latency.quantile(0.9),
      p99: c.latency.quantile(0.99),
      max: Math.round(c.latency.max),
    },
    duplicateRatio: round(c.redundantBlockBytes / Math.max(1, c.usefulBlockBytes)),
    controlOverhead: round(control / Math.max(1, block)),
    sourceUploadRatio: round(c.sourceSentBytes / Math.max(1, c.streamBytes)),
    controlBytesByType: { ...c.sentBytes },
    sourceBytesByType: { ...c.sourceSentByType },
    connectionDrops: r.drops,
    repairAsked: r.repairAsked,
    staleDropped: r.staleDropped,
    clubSizes: r.clubSizes,
    sourceCounts: r.sourceCounts,
    events: c.events,
    ...(labels.series ? series(r, opts) : {}),
    wallSeconds: round(wallSeconds, 2),
  };
  return r.malice ? withMalice(report, opts, r) : report;
}

/**
 * The report of a run with malicious peers: the share and kinds after the settings, the
 * forged blocks honest peers took right after delivery, what each kind did at the end.
 */
function withMalice(
  report: Record<string, unknown>,
  opts: SwarmOptions,
  r: SwarmResult,
): Record<string, unknown> {
  const t = r.malice!;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(report)) {
    if (k === "wallSeconds") out.maliciousPeers = t.report(r.malicious);
    out[k] = v;
    if (k === "playDelayMs") {
      out.malicious = opts.malicious;
      out.maliciousKinds = opts.maliciousKinds;
    } else if (k === "delivery") {
      out.forgedAccepted = t.accepted;
      out.forged = {
        made: t.forgeries.made,
        storedByHonest: t.stored,
        playedByHonest: t.played,
        relayedByHonest: t.relayed,
        honestAccused: t.honestAccused,
      };
      out.honestPeers = r.cores.filter((p) => p).length;
    }
  }
  return out;
}

/** Shares at which the latency CDF is given. */
const CDF_AT = [...Array.from({ length: 99 }, (_, i) => (i + 1) / 100), 0.995, 0.999];

/**
 * The report's `--series` part: delivery per second of playhead time from the measured
 * window on (all peers, and survivors of churn or a failure), the duplicate ratio per
 * second of simulated time over the same seconds, the latency CDF, and the
 * process's peak resident memory (Linux, with --allow-all; null otherwise).
 */
function series(r: SwarmResult, opts: SwarmOptions): Record<string, unknown> {
  const c = r.counters;
  const from = opts.warmupSeconds;
  return {
    series: {
      fromSecond: from,
      delivery: c.series.delivery().slice(from),
      duplicates: c.blockSeries.duplicateRatio().slice(from),
      survivorDelivery: opts.recoveryFromMs === undefined
        ? undefined
        : c.series.delivery(true).slice(from),
    },
    // Delivery counts peers from their playback start on: these say how many never started.
    joinedPeers: r.peersJoined,
    startedPeers: c.startup.count,
    latencyCdf: CDF_AT.map((q) => [q, c.latency.quantile(q)]),
    peakRssMB: peakRssMB(),
  };
}

/**
 * VmHWM of /proc/self/status in MB; null where there is none, or without the permission
 * (Deno asks for --allow-all to read /proc/self: deno task report runs the simulator so).
 */
function peakRssMB(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    return m ? round(Number(m[1]) / 1024, 1) : null;
  } catch {
    return null;
  }
}

function table(report: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(report)) {
    lines.push(`${k.padEnd(20)} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  }
  return lines.join("\n");
}

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseSimArgs(Deno.args);
  } catch (e) {
    console.error(`sim: ${argsErrorMessage("sim", e, Deno.args)}`);
    Deno.exit(2);
  }
  if (parsed === "help") {
    console.log(HELP);
  } else {
    // A long run says how far it is on stderr every 10 s (stdout keeps only the report).
    const progress = new ProgressLine({
      now: () => performance.now(),
      write: (line) => console.error(line),
    });
    const report = await simulateInWorkers(
      parsed.opts,
      parsed.labels,
      parsed.workers,
      (simMs, endMs) => progress.update(simMs, endMs),
    );
    console.log(parsed.json ? JSON.stringify(report) : table(report));
  }
}
