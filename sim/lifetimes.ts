/**
 * Who is in the swarm when: the plan of joins, departures and deaths of a run, drawn before
 * it starts from a random stream of its own, so the scenarios (scenarios.ts) leave every
 * other draw of the run as it was.
 *
 * - Churn: every peer stays for an exponential time (mean `meanSessionMs`), then leaves; a
 *   new peer joins at that moment in its place and stays for its own exponential time. With
 *   a 10-minute mean, a tenth of the swarm is replaced each minute on average, and the swarm
 *   keeps its size.
 * - Mass failure: at `atMs` a share of the peers, drawn at random, dies at once.
 */
import type { Rng } from "../lib/rand.ts";
import { weightedIndex } from "../lib/rand.ts";

/** Churn settings: exponential session lengths, each departure replaced at once. */
export interface Churn {
  readonly meanSessionMs: number;
}

/** Mass-failure settings. */
export interface Failure {
  /** Share of the peers killed, 0..1. */
  readonly share: number;
  readonly atMs: number;
}

/** The plan of a run's population. */
export interface Lifetimes {
  /** Nodes in all, the source (node 0) included. */
  readonly count: number;
  /** When each node joins (the source: 0). */
  readonly joinAt: Float64Array;
  /** When each node leaves of its own accord (churn), Infinity if it stays. */
  readonly leaveAt: Float64Array;
  /** The nodes killed by the mass failure, and when. */
  readonly victims: readonly number[];
  readonly killAt: number;
  /** 1 for a peer that neither leaves nor dies during the run. */
  readonly survivor: Uint8Array;
  /** The upload (multiple of the stream rate) of each replacement, by node - peers - 1. */
  readonly replacementMult: readonly number[];
}

/** An exponential draw of mean `mean`. */
function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/**
 * Plans the population: `firstJoins[i]` is when peer i (1..peers) joins; replacements join
 * with an upload drawn from `mix` by its shares.
 */
export function planLifetimes(
  peers: number,
  firstJoins: Float64Array,
  endMs: number,
  rng: Rng,
  mix: readonly (readonly [number, number])[],
  churn?: Churn,
  failure?: Failure,
): Lifetimes {
  const joins = Array.from(firstJoins.subarray(0, peers + 1));
  const leaves: number[] = new Array(peers + 1).fill(Infinity);
  const mult: number[] = [];
  if (churn) {
    for (let i = 1; i <= peers; i++) {
      let node = i;
      let t = joins[i] + exponential(rng, churn.meanSessionMs);
      while (t < endMs) {
        leaves[node] = t;
        node = joins.length;
        joins.push(t);
        leaves.push(Infinity);
        mult.push(mix[Math.max(0, weightedIndex(rng, mix.map((m) => m[0])))][1]);
        t += exponential(rng, churn.meanSessionMs);
      }
    }
  }
  const count = joins.length;
  const victims: number[] = [];
  if (failure && failure.share > 0) {
    const order = rng.shuffle(Array.from({ length: peers }, (_, i) => i + 1));
    victims.push(...order.slice(0, Math.round(failure.share * peers)).sort((a, b) => a - b));
  }
  const survivor = new Uint8Array(count);
  for (let i = 1; i < count; i++) survivor[i] = leaves[i] === Infinity ? 1 : 0;
  for (const v of victims) survivor[v] = 0;
  return {
    count,
    joinAt: Float64Array.from(joins),
    leaveAt: Float64Array.from(leaves),
    victims,
    killAt: failure?.atMs ?? Infinity,
    survivor,
    replacementMult: mult,
  };
}
