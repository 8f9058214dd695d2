/**
 * A connection's datagram counter on the wire. Each live block carries its connection's
 * count (the receiver's loss and reorder measure, down_monitor.ts), offset by the
 * connection's secret (its cookie, which only the two ends know: peer_conns.ts) modulo 2^32.
 * Counted from 0, the numbers were easy to guess: an off-path attacker who knew (from the
 * tracker's lists) who uploads a club to a peer could spoof a forged block "from" that
 * upstream, and the peer banned the honest upstream and dropped every connection with it, or
 * a jump in the counter made it count a burst of loss and drop the link. Offset, a spoofer
 * must guess a number within {@link COUNTER_WINDOW} of the true one out of 2^32; a block
 * outside that window is dropped unread and blames nobody (docs/security.md, "Spoofed
 * connection messages").
 */

const U32 = 2 ** 32;

/**
 * How far from the newest count a live block's count may be and still be taken as the
 * connection's: 4,096 datagrams, seconds of any one connection's traffic, far more than any
 * burst of loss a live link survives, and a 1 in 2^19 chance for a spoofer's guess.
 */
export const COUNTER_WINDOW = 4096;

/**
 * The counter on the wire for the connection's `count`-th datagram, given its `secret` (a
 * cookie: an integer below 2^53, so reduced first to keep the sum exact).
 */
export function wireCounter(secret: number, count: number): number {
  return (secret % U32 + count) % U32;
}

/** The count that `n` on the wire stands for on a connection with `secret` (0 .. 2^32 - 1). */
export function countOf(secret: number, n: number): number {
  const d = (n - secret % U32) % U32;
  return d < 0 ? d + U32 : d;
}

/**
 * True when `count` can be the connection's: from 1 (the first datagram) and within
 * {@link COUNTER_WINDOW} of `newest` (the highest count received, 0 before any), or ahead of
 * it by `ownDrops` more: datagrams the receiver's own socket just dropped (own_overflow.ts),
 * which can make a connection's count jump further than any link's loss. Without that, a
 * peer stalled long enough took every later block of the connection for a spoofer's.
 */
export function plausibleCount(count: number, newest: number, ownDrops = 0): boolean {
  const ahead = COUNTER_WINDOW + Math.max(0, ownDrops);
  return count >= 1 && count <= newest + ahead && count >= newest - COUNTER_WINDOW;
}
