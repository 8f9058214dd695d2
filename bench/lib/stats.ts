/**
 * Small numeric helpers of the benchmarks: percentiles, medians, ratios and rounding. A
 * ratio of two measurements is undefined (null) when the divisor is not a positive number,
 * so a failed measurement never shows up as a bar met.
 */

/** The p-quantile (0..1) of ascending `sorted`, nearest rank; NaN for an empty list. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

/** The median of `xs` (mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** `a / b` rounded to 3 decimals, or null unless both are finite and b > 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return round(a / b, 3);
}

/** Rounds to `digits` decimals. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Whether a measured ratio meets a bar: null (not measured) is never a pass. */
export function meets(value: number | null, bar: number, atMost = false): boolean {
  if (value === null || !Number.isFinite(value)) return false;
  return atMost ? value <= bar : value >= bar;
}
