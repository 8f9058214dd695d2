/** What the simulator's tests share. */
import { DEFAULT_SWARM, type SwarmOptions } from "./swarm.ts";

/** A small swarm with room to spare (every peer uploads 3x the stream rate), quick to run. */
export const SMALL_SWARM: SwarmOptions = {
  ...DEFAULT_SWARM,
  peers: 24,
  seconds: 8,
  seed: 5,
  joinSpreadMs: 1000,
  warmupSeconds: 2,
  capacityMix: [[1, 3]],
};

/** A report without its wall time, the one field a replay changes. */
export function withoutWall(r: Record<string, unknown>): Record<string, unknown> {
  const { wallSeconds: _, ...rest } = r;
  return rest;
}
