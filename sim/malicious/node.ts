/**
 * What every malicious simulated peer has in common: it runs a real {@link PeerCore} (so it
 * joins, answers pings, takes and opens connections like anyone), and changes what leaves
 * it. The swarm drives it through the same {@link ProtocolNode} face as an honest peer.
 */
import type { PeerEvent } from "../../lib/peer/events.ts";
import type { ProtocolNode } from "../../lib/peer/node.ts";
import type { PeerCore } from "../../lib/peer/peer.ts";
import type { Rng } from "../../lib/rand.ts";
import type { Addr, Block, Msg } from "../../lib/wire/messages.ts";
import type { Forgeries } from "./forge.ts";

/** The kinds of malicious peer the simulator has. */
export const MALICIOUS_KINDS = ["forger", "junk", "freerider"] as const;

/** One kind of malicious peer. */
export type MaliciousKind = typeof MALICIOUS_KINDS[number];

/** What a malicious peer did, counted as it left the peer. */
export interface MaliciousStats {
  /** Datagrams it sent, of any type. */
  sent: number;
  /** Forged blocks it sent (each made by {@link Forgeries}, so marked). */
  forged: number;
  /** Genuine old blocks it sent in place of the live one. */
  replayed: number;
  /** Junk messages it sent (blocks among them also count as forged). */
  junk: number;
  /** Genuine blocks its core would have sent and it did not. */
  withheld: number;
}

/** What a malicious peer needs besides its core. */
export interface MaliciousInit {
  /** Its own random stream (the core keeps its own). */
  readonly rng: Rng;
  readonly forgeries: Forgeries;
  /** A number naming it in the payloads it forges. */
  readonly id: number;
}

/** A malicious peer as the swarm drives it. */
export interface MaliciousNode extends ProtocolNode {
  readonly kind: MaliciousKind;
  readonly core: PeerCore;
  readonly stats: MaliciousStats;
  /** Peers learned from the tracker. */
  addPeers(list: readonly { readonly addr: Addr; readonly clubs: readonly number[] }[]): void;
}

/**
 * A malicious peer around a core: every call goes to the core, and each datagram the core
 * sends passes through {@link Wrapped.alter}, which may change it or drop it.
 */
export abstract class Wrapped implements MaliciousNode {
  abstract readonly kind: MaliciousKind;
  readonly stats: MaliciousStats = { sent: 0, forged: 0, replayed: 0, junk: 0, withheld: 0 };

  /** A malicious peer around `core`. */
  constructor(readonly core: PeerCore, protected readonly init: MaliciousInit) {}

  /** What to send instead of `dg` (undefined: send nothing). */
  protected abstract alter(now: number, dg: { to: Addr; msg: Msg }): Msg | undefined;

  /** The datagram to send before anything of the core's, if any. */
  protected extra(_now: number): { to: Addr; msg: Msg } | undefined {
    return undefined;
  }

  /** Passes a datagram to the core. */
  handleMessage(now: number, from: Addr, msg: Msg): void {
    this.core.handleMessage(now, from, msg);
  }

  /** Passes the timer to the core. */
  handleTimeout(now: number): void {
    this.core.handleTimeout(now);
  }

  /** The core's next datagram as altered, skipping those altered away. */
  pollTransmit(now: number): { to: Addr; msg: Msg } | undefined {
    const own = this.extra(now);
    if (own) return this.#count(own);
    for (let dg = this.core.pollTransmit(now); dg; dg = this.core.pollTransmit(now)) {
      const msg = this.alter(now, dg);
      if (msg) return this.#count({ to: dg.to, msg });
    }
    return undefined;
  }

  /** The core's timer. */
  pollTimeout(): number {
    return this.core.pollTimeout();
  }

  /** The core's events (the swarm does not count a malicious peer's). */
  pollEvent(): PeerEvent | undefined {
    return this.core.pollEvent();
  }

  /** True when the core has something to send. */
  hasPending(): boolean {
    return this.core.hasPending();
  }

  /** Passes tracker answers to the core. */
  addPeers(list: readonly { readonly addr: Addr; readonly clubs: readonly number[] }[]): void {
    this.core.addPeers(list);
  }

  /** A forged data or signature block standing for `seq` (same kind as `like`). */
  protected forge(seq: number, like: { kind: "data" | "auth"; srcTime: number }): Block {
    this.stats.forged++;
    const { forgeries, id } = this.init;
    if (like.kind === "auth" && seq >= 1) {
      return forgeries.auth(seq, like.srcTime, 12, this.core.bitrate, id);
    }
    return forgeries.data(seq, like.srcTime, id);
  }

  #count(dg: { to: Addr; msg: Msg }): { to: Addr; msg: Msg } {
    this.stats.sent++;
    return dg;
  }
}
