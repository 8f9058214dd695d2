/**
 * The club a block belongs to: its sequence number modulo the number of clubs
 * (patent [0040], claims 9-10).
 *
 * @example
 * ```ts
 * import { clubOf } from "./club_of.ts";
 * if (clubOf(25, 12) !== 1) throw new Error();
 * ```
 */
export function clubOf(seq: number, clubs: number): number {
  if (!Number.isInteger(seq) || seq < 0) throw new RangeError(`bad sequence number ${seq}`);
  if (!Number.isInteger(clubs) || clubs < 1) throw new RangeError(`bad club count ${clubs}`);
  return seq % clubs;
}
