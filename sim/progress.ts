/**
 * Progress of a long simulation, for the person waiting on it: a line every so often (by the
 * wall clock) saying how far the virtual clock has come, how long the run has taken and,
 * from its pace so far, about how long it has left. A 10,000-peer run takes most of an hour
 * on two cores; without it, nothing shows until the end. Short runs print nothing.
 */

/** How a {@link ProgressLine} reads the time and writes its lines. */
export interface ProgressIo {
  /** Wall time, ms (any origin). */
  readonly now: () => number;
  readonly write: (line: string) => void;
}

/** Writes a progress line at most every `everyMs` of wall time. */
export class ProgressLine {
  readonly #io: ProgressIo;
  readonly #everyMs: number;
  readonly #startedAt: number;
  #lastAt: number;

  /** Starts the clock now; the first line comes `everyMs` after. */
  constructor(io: ProgressIo, everyMs = 10_000) {
    if (!(everyMs > 0)) throw new RangeError(`everyMs must be above 0, got ${everyMs}`);
    this.#io = io;
    this.#everyMs = everyMs;
    this.#startedAt = this.#lastAt = io.now();
  }

  /**
   * Notes that the virtual clock reached `simMs` of `endMs`; writes a line if `everyMs` of
   * wall time passed since the last one.
   */
  update(simMs: number, endMs: number): void {
    const now = this.#io.now();
    if (now - this.#lastAt < this.#everyMs) return;
    this.#lastAt = now;
    this.#io.write(progressText(simMs, endMs, now - this.#startedAt));
  }
}

/**
 * "sim: 12.0 of 40.0 simulated seconds (30 %), 1 min 5 s so far, about 2 min 32 s left": the
 * time left assumes the rest goes at the pace so far (a swarm's first seconds, while peers
 * join, are its cheapest, so it is a low guess early on).
 */
export function progressText(simMs: number, endMs: number, elapsedMs: number): string {
  const done = Math.min(1, Math.max(0, simMs / endMs));
  const left = done > 0 ? elapsedMs * (1 - done) / done : NaN;
  const pct = Math.floor(done * 100);
  const sec = (ms: number) => (ms / 1000).toFixed(1);
  const guess = Number.isFinite(left) ? `, about ${duration(left)} left` : "";
  return `sim: ${sec(Math.min(simMs, endMs))} of ${sec(endMs)} simulated seconds (${pct} %), ` +
    `${duration(elapsedMs)} so far${guess}`;
}

/** `ms` as "42 s", "3 min 5 s" or "1 h 2 min". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${s % 60} s`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}
