/**
 * What `deno task report` runs: every design through every scenario at one swarm size, a
 * few extra runs, the club protocol with a tenth of its peers malicious (issue 6), and the
 * club protocol at growing sizes for the simulator's cost.
 */
import { DESIGNS } from "../designs/all.ts";
import { SCENARIOS } from "../scenarios.ts";

/** The report's settings. */
export interface ReportOptions {
  readonly peers: number;
  readonly seed: number;
  readonly network: "uniform" | "regions";
  /** Measured seconds of every scenario but churn. */
  readonly seconds: number;
  /** Measured seconds of churn (a tenth replaced per minute: two minutes show it). */
  readonly churnSeconds: number;
  /** Swarm sizes of the cost runs. */
  readonly sizes: readonly number[];
  readonly designs: readonly string[];
  readonly scenarios: readonly string[];
}

/** The defaults: 300 peers, 30 s (churn 120 s), regions network, sizes 100-800. */
export const REPORT_DEFAULTS: ReportOptions = {
  peers: 300,
  seed: 1,
  network: "regions",
  seconds: 30,
  churnSeconds: 120,
  sizes: [100, 200, 400, 800],
  designs: DESIGNS.map((d) => d.name),
  scenarios: SCENARIOS.map((s) => s.name),
};

/** One simulator run of the report. */
export interface Run {
  /** What part of the report it feeds: the matrix, an extra, the security run, the cost runs. */
  readonly kind: "matrix" | "extra" | "security" | "cost";
  readonly design: string;
  readonly scenario: string;
  /** A label for extras ("pull, 10 s play delay"). */
  readonly label?: string;
  readonly peers: number;
  /** The simulator's arguments (sim/main.ts), --json and --series added when run. */
  readonly args: readonly string[];
}

/** Every run of a report, cheapest first within each part. */
export function planRuns(o: ReportOptions): Run[] {
  const runs: Run[] = [];
  const base = ["--peers", `${o.peers}`, "--seed", `${o.seed}`, "--network", o.network];
  for (const scenario of o.scenarios) {
    const secs = scenario === "churn" ? o.churnSeconds : o.seconds;
    for (const design of o.designs) {
      runs.push({
        kind: "matrix",
        design,
        scenario,
        peers: o.peers,
        args: [...base, "--scenario", scenario, "--design", design, "--seconds", `${secs}`],
      });
    }
  }
  if (o.designs.includes("pull") && o.scenarios.includes("hetero")) {
    // The pull mesh at a play delay closer to what CoolStreaming's users had.
    runs.push({
      kind: "extra",
      design: "pull",
      scenario: "hetero",
      label: "pull, 10 s play delay",
      peers: o.peers,
      args: [
        ...base,
        "--scenario",
        "hetero",
        "--design",
        "pull",
        "--seconds",
        `${o.seconds}`,
        "--delay",
        "10000",
      ],
    });
  }
  if (o.designs.includes("clubs")) {
    // Issue 6: a tenth of the peers forgers, junk senders and freeriders (sim/malicious/).
    runs.push({
      kind: "security",
      design: "clubs",
      scenario: "default",
      label: "10 % malicious",
      peers: o.peers,
      args: [...base, "--seconds", `${o.seconds}`, "--malicious", "0.1"],
    });
  }
  for (const n of o.sizes) {
    runs.push({
      kind: "cost",
      design: "clubs",
      scenario: "default",
      peers: n,
      args: ["--peers", `${n}`, "--seed", `${o.seed}`, "--seconds", "10"],
    });
  }
  return runs;
}
