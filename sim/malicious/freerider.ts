/**
 * The freerider: a peer that joins, takes downloads, accepts upload connections (its pongs
 * say it has room, and its core answers every "connect" as an honest peer would), keeps them
 * alive, and never sends a block: no relay, no repair, no catch-up.
 */
import type { Addr, Msg } from "../../lib/wire/messages.ts";
import { Wrapped } from "./node.ts";

/** A peer that relays nothing. */
export class Freerider extends Wrapped {
  readonly kind = "freerider" as const;

  protected alter(_now: number, dg: { to: Addr; msg: Msg }): Msg | undefined {
    if (dg.msg.t !== "block") return dg.msg;
    this.stats.withheld++;
    return undefined;
  }
}
