/**
 * The junk sender: a peer that takes part like any other (so it has connections, and its
 * datagrams reach real code paths) but sends junk: every block its core would send goes out
 * as a forged block with nonsense fields, and on top of that it sends `perSec` junk messages
 * a second (junk_msgs.ts: every type, well formed, nonsense fields) to peers it knows: those
 * that answered its pings and those it has connections with.
 */
import { Deque } from "../../lib/peer/deque.ts";
import type { PeerCore } from "../../lib/peer/peer.ts";
import type { Addr, Msg } from "../../lib/wire/messages.ts";
import { junkBlock, type JunkContext, junkMsg } from "./junk_msgs.ts";
import { type MaliciousInit, Wrapped } from "./node.ts";

/** Junk messages a junk peer sends each second, beyond its altered blocks. */
export const JUNK_PER_SEC = 100;
/** Junk goes out in bursts this often, ms (fewer timer events than one at a time). */
const BURST_MS = 50;

/** A peer that sends junk. */
export class JunkSender extends Wrapped {
  readonly kind = "junk" as const;
  readonly #queue = new Deque<{ to: Addr; msg: Msg }>();
  readonly #perBurst: number;
  readonly #nodes: number;
  #nextBurst: number;
  #targets: Addr[] = [];
  #targetsAt = -Infinity;

  /** A junk peer around `core`, born at `now`, in a swarm of `nodes` nodes. */
  constructor(
    now: number,
    core: PeerCore,
    init: MaliciousInit,
    nodes: number,
    perSec = JUNK_PER_SEC,
  ) {
    super(core, init);
    this.#nodes = nodes;
    this.#perBurst = (perSec * BURST_MS) / 1000;
    this.#nextBurst = now;
  }

  protected alter(_now: number, dg: { to: Addr; msg: Msg }): Msg | undefined {
    if (dg.msg.t !== "block") return dg.msg;
    this.stats.junk++;
    this.stats.forged++;
    return { ...dg.msg, club: this.#cx().rng.int(this.core.clubs), block: junkBlock(this.#cx()) };
  }

  protected override extra(): { to: Addr; msg: Msg } | undefined {
    return this.#queue.shift();
  }

  override handleTimeout(now: number): void {
    if (now >= this.#nextBurst) {
      this.#nextBurst = now + BURST_MS;
      this.#burst(now);
    }
    super.handleTimeout(now);
  }

  override pollTimeout(): number {
    return Math.min(super.pollTimeout(), this.#nextBurst);
  }

  override hasPending(): boolean {
    return this.#queue.length > 0 || super.hasPending();
  }

  #burst(now: number): void {
    if (now - this.#targetsAt >= 1000) {
      this.#targetsAt = now;
      // Peers that answered it, and those it has connections with: made-up addresses (which
      // its own junk plants in honest directories) would waste the junk.
      const heard = new Set<Addr>();
      for (const k of this.core.directory.all()) if (k.pong !== undefined) heard.add(k.addr);
      for (const c of this.core.ups.values()) heard.add(c.remote);
      for (const c of this.core.downs.values()) heard.add(c.remote);
      this.#targets = [...heard];
    }
    if (this.#targets.length === 0) return;
    const cx = this.#cx(), rng = this.init.rng;
    // Fractional rates carry over as a chance of one more.
    const n = Math.floor(this.#perBurst) + (rng.chance(this.#perBurst % 1) ? 1 : 0);
    // A link too slow for its junk does not hoard it: the newest waits at most a second's.
    for (let i = 0; i < n && this.#queue.length < this.#perBurst * 20; i++) {
      const msg = junkMsg(cx);
      this.stats.junk++;
      if (msg.t === "block") this.stats.forged++;
      this.#queue.push({ to: rng.pick(this.#targets), msg });
    }
  }

  #cx(): JunkContext {
    const { rng, forgeries, id } = this.init;
    const top = Math.max(0, this.core.store.top);
    return { rng, forgeries, id, clubs: this.core.clubs, top, nodes: this.#nodes };
  }
}
