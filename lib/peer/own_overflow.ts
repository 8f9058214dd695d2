/**
 * What a peer's own socket dropped, held for a moment against the gaps its downloads show.
 *
 * A peer that falls behind (a collector's pause, a busy machine) lets its socket's receive
 * buffer fill, and the kernel drops what comes next: the counters of its download
 * connections then skip, as if the links had lost those datagrams, and enough such "loss"
 * drops the connections [0052] (down_monitor.ts), which moves nothing off the peer's own
 * overload and makes the upstreams connect again and send their history. The transport
 * counts these drops where it can (lib/net/linux_udp.ts, SO_MEMINFO), the driver tells the
 * peer before the datagrams read after them, and the gaps they explain, up to as many as
 * were dropped, are not held against the links. The blocks are still missing and repaired
 * as any lost block. Drops not matched to a gap within `holdMs` are forgotten: they explain
 * nothing that comes later. Likewise a downstream whose keep-alives stopped while the socket
 * dropped datagrams is let go but not banned (peer_tick.ts): they may be among the drops.
 */
export class OwnOverflow {
  readonly #holdMs: number;
  #unmatched = 0;
  #at = -Infinity;
  /** Datagrams dropped by the own socket, all told. */
  dropped = 0;
  /** Datagrams of download gaps excused by them. */
  excused = 0;

  /** Drops held `holdMs` for the gaps they may explain. */
  constructor(holdMs = 500) {
    if (!(holdMs >= 0)) throw new RangeError(`bad holdMs ${holdMs}`);
    this.#holdMs = holdMs;
  }

  /** The own socket dropped `count` datagrams, told at `now`. */
  note(now: number, count: number): void {
    if (!(count > 0) || !Number.isFinite(count)) return;
    this.dropped += count;
    this.#unmatched = this.available(now) + count;
    this.#at = now;
  }

  /** True if the own socket dropped anything after `t`: a silence since may be its own loss. */
  droppedAfter(t: number): boolean {
    return this.#at > t;
  }

  /** How many datagrams of gaps seen at `now` the drops may still explain. */
  available(now: number): number {
    return now - this.#at <= this.#holdMs ? this.#unmatched : 0;
  }

  /** `count` datagrams of a gap were excused by the drops. */
  use(count: number): void {
    const n = Math.min(Math.max(0, count), this.#unmatched);
    this.#unmatched -= n;
    this.excused += n;
  }
}
