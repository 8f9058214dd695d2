/**
 * The scenarios of `--scenario NAME` (issue 5): each one changes the run's options, on top of
 * whatever network and design were chosen. docs/simulator.md, "Scenarios", describes each.
 */
import { DEFAULT_SWARM, type SwarmOptions } from "./swarm.ts";

/** A scenario: what it is, and what it does to a run's options. */
export interface Scenario {
  readonly name: string;
  /** One line for `--help` and the report. */
  readonly about: string;
  /** True when the report gives deliveryAfterFailure for it. */
  readonly failure: boolean;
  apply(o: SwarmOptions): SwarmOptions;
}

/** An upload mix: [share of peers, multiple of the stream rate]. */
type Mix = SwarmOptions["capacityMix"];

/** Issue 2's default capacity mix: 20 % at 0.5x the stream rate, 50 % at 1.5x, 30 % at 3x. */
export const DEFAULT_MIX: Mix = DEFAULT_SWARM.capacityMix;
/** A scarce mix, mean 1.2x the stream rate: 30 % at 0.5x, 50 % at 1.2x, 20 % at 2.25x. */
export const SCARCE_MIX: Mix = [[0.3, 0.5], [0.5, 1.2], [0.2, 2.25]];

/** The mean upload of a mix, in multiples of the stream rate. */
export function meanUpload(mix: Mix): number {
  let total = 0, share = 0;
  for (const [s, m] of mix) {
    total += s * m;
    share += s;
  }
  return total / share;
}

/** Mean session of churn: a tenth of the swarm replaced per minute. */
const CHURN_MEAN_MS = 600_000;
/** Share of the peers a mass failure kills. */
const FAILURE_SHARE = 0.3;
/** Survivors' delivery is counted from this long after the failure. */
const RECOVERY_MS = 5000;

const measureFrom = (o: SwarmOptions) => o.warmupSeconds * 1000;

/** Every scenario, by name. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: "steady",
    about: "every peer uploads the default mix's mean, 1.75x the stream rate",
    failure: false,
    apply: (o) => ({ ...o, capacityMix: [[1, meanUpload(DEFAULT_MIX)]] }),
  },
  {
    name: "hetero",
    about: "the default mix: 20 % at 0.5x, 50 % at 1.5x, 30 % at 3x (mean 1.75x)",
    failure: false,
    apply: (o) => ({ ...o, capacityMix: DEFAULT_MIX }),
  },
  {
    name: "scarce",
    about: "a scarce mix: 30 % at 0.5x, 50 % at 1.2x, 20 % at 2.25x (mean 1.2x)",
    failure: false,
    apply: (o) => ({ ...o, capacityMix: SCARCE_MIX }),
  },
  {
    name: "flash",
    about: "half the peers join as usual, the other half in the first 10 measured s",
    failure: false,
    apply: (o) => ({ ...o, lateJoin: { share: 0.5, atMs: measureFrom(o), spreadMs: 10_000 } }),
  },
  {
    name: "churn",
    about: "10 %/min of the peers replaced (exponential sessions, mean 10 min)",
    failure: true,
    apply: (o) => ({
      ...o,
      churn: { meanSessionMs: CHURN_MEAN_MS },
      recoveryFromMs: measureFrom(o) + RECOVERY_MS,
    }),
  },
  {
    name: "failure",
    about: "30 % of the peers killed at once, a third into the measured window",
    failure: true,
    apply: (o) => {
      const atMs = measureFrom(o) + Math.round(o.seconds * 1000 / 3);
      return {
        ...o,
        failure: { share: FAILURE_SHARE, atMs },
        recoveryFromMs: atMs + RECOVERY_MS,
      };
    },
  },
  ...[0.5, 2, 5].map((pct): Scenario => ({
    name: `loss-${pct}`,
    about: `${pct} % random loss per datagram`,
    failure: false,
    apply: (o) => ({ ...o, loss: pct / 100 }),
  })),
];

/** The scenario called `name`; throws Error naming the choices otherwise. */
export function scenarioNamed(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario "${name}" (${SCENARIOS.map((x) => x.name).join(", ")})`);
  return s;
}
