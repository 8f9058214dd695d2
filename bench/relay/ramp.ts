/**
 * The relay benchmark's search for saturation: trials at rising offered rates, each one's
 * delivered rate counted at the receiver; the capacity is the most delivered per second in
 * any trial. Past saturation a forwarder delivers less (its socket overflows, and a peer
 * also sheds connections), so the ramp stops after `misses` trials in a row below
 * `okFraction` of what was offered; a few finer trials then split the step above the best.
 */

/** What one trial measured. */
export interface TrialResult {
  /** Offered datagrams per second. */
  readonly offered: number;
  /** Datagrams the sender really sent per second (it can fall behind). */
  readonly sent: number;
  /** Datagrams per second that reached the receiver in the measured window. */
  readonly delivered: number;
  /** Forwarder CPU in the measured window, percent of one core (null without /proc). */
  readonly fwdCpuPct: number | null;
  /** The load generator's own CPU, percent of one core. */
  readonly genCpuPct: number;
}

/** The rates a ramp offers: from `start`, times `factor`, up to `max` (rounded). */
export function rampRates(start: number, factor: number, max: number): number[] {
  if (!(start > 0) || !(factor > 1) || !(max >= start)) throw new RangeError("bad ramp");
  const out: number[] = [];
  for (let r = start; r <= max * 1.0001; r *= factor) out.push(Math.round(r));
  return out;
}

/**
 * `steps` rates evenly spaced (geometrically) between `offered`, the best coarse step's rate,
 * and the next step up, `offered * factor`, both excluded: the coarse steps are 25 % apart,
 * so a forwarder that can carry 80,000 a second, offered 71,000 and then 89,000, would be
 * measured at 71,000 without them.
 */
export function refineRates(offered: number, factor: number, steps: number): number[] {
  if (!(offered > 0) || !(factor > 1) || !(steps >= 0)) throw new RangeError("bad refinement");
  const out: number[] = [];
  for (let i = 1; i <= steps; i++) out.push(Math.round(offered * factor ** (i / (steps + 1))));
  return out;
}

/** True when the ramp should stop: the last `misses` trials delivered < okFraction. */
export function saturated(
  trials: readonly TrialResult[],
  okFraction = 0.9,
  misses = 2,
): boolean {
  if (trials.length < misses) return false;
  return trials.slice(-misses).every((t) => t.delivered < okFraction * t.offered);
}

/** The trial that delivered the most (the capacity), or undefined for none. */
export function peak(trials: readonly TrialResult[]): TrialResult | undefined {
  let best: TrialResult | undefined;
  for (const t of trials) if (!best || t.delivered > best.delivered) best = t;
  return best;
}

/**
 * Datagrams forwarded per second of the forwarder's CPU (all its threads, user and kernel)
 * at the peak trial: the cost of a packet, steadier than the capacity on a shared machine,
 * where the forwarder gets a varying share of its core. Null without a CPU figure.
 */
export function perCpuSecond(t: TrialResult | undefined): number | null {
  if (!t || t.fwdCpuPct === null || t.fwdCpuPct <= 0) return null;
  return Math.round(t.delivered / (t.fwdCpuPct / 100));
}
