/**
 * The programs' clock: whole milliseconds on the Unix epoch, advancing monotonically
 * (performance.now() from the process's time origin), so processes on one machine agree
 * and a wall-clock step never moves time backwards inside a process.
 */

/** Milliseconds since the Unix epoch, as an integer, never decreasing. */
export function wallClock(): number {
  return Math.floor(performance.timeOrigin + performance.now());
}
