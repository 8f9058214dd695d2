/**
 * What the malicious peers achieved, counted from what honest peers did: forged blocks an
 * honest peer verified (stored), played or sent on, and how honest peers treated each kind
 * (banned as forgers, connections closed and why). Forged blocks are recognised by
 * {@link Forgeries.has}, on the very block object or payload the honest peer handled.
 */
import type { PeerEvent } from "../../lib/peer/events.ts";
import type { Block } from "../../lib/wire/messages.ts";
import type { Forgeries } from "./forge.ts";
import { isMarked } from "./forge.ts";
import { MALICIOUS_KINDS, type MaliciousKind, type MaliciousNode } from "./node.ts";

/** How honest peers treated the peers of one malicious kind. */
export interface KindTally {
  /** Peers of this kind. */
  peers: number;
  /** "forged" events at honest peers naming one of them (each is a ban). */
  bans: number;
  /** How many of them at least one honest peer banned as a forger. */
  bannedPeers: number;
  /** Honest peers' connections with them that closed, by reason. */
  closed: Record<string, number>;
}

/** Counts forged blocks handled by honest peers and honest peers' verdicts on the others. */
export class MaliceTally {
  /** Forged blocks an honest peer verified and stored ("ready" events). */
  stored = 0;
  /** Forged payloads an honest peer played. */
  played = 0;
  /** Forged blocks an honest node (a peer or the source) sent. */
  relayed = 0;
  /** "forged" events at honest peers naming an honest node (a false accusation). */
  honestAccused = 0;
  readonly #kinds = new Map<MaliciousKind, KindTally>();
  readonly #banned = new Set<number>();

  /** A tally for one run; `kindOf(i)` is node i's malicious kind, if any. */
  constructor(
    readonly forgeries: Forgeries,
    readonly kindOf: (node: number) => MaliciousKind | undefined,
  ) {}

  /** Forged blocks honest peers played or relayed (what must stay 0). */
  get accepted(): number {
    return this.played + this.relayed;
  }

  /**
   * An event of honest node `i`; `stored(seq)` is the block it holds at `seq` and `indexOf`
   * names a node by its address.
   */
  onEvent(
    e: PeerEvent,
    stored: (seq: number) => Block | undefined,
    indexOf: (addr: string) => number,
  ): void {
    if (e.type === "ready") {
      const b = stored(e.seq);
      if (b && this.forgeries.has(b)) this.stored++;
    } else if (e.type === "playback") {
      if (e.event.type === "play" && isMarked(e.event.payload)) this.played++;
    } else if (e.type === "forged") {
      const j = indexOf(e.from), kind = this.kindOf(j);
      if (kind === undefined) this.honestAccused++;
      else {
        this.#kind(kind).bans++;
        if (!this.#banned.has(j)) {
          this.#banned.add(j);
          this.#kind(kind).bannedPeers++;
        }
      }
    } else if (e.type === "conn" && !e.open) {
      const kind = this.kindOf(indexOf(e.remote));
      if (kind !== undefined) {
        const closed = this.#kind(kind).closed, why = e.reason ?? "unknown";
        closed[why] = (closed[why] ?? 0) + 1;
      }
    }
  }

  /** A block an honest node sent. */
  onSend(block: Block): void {
    if (this.forgeries.has(block)) this.relayed++;
  }

  /** The report: per kind, with what the malicious peers themselves counted. */
  report(nodes: readonly (MaliciousNode | undefined)[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const kind of MALICIOUS_KINDS) {
      const mine = nodes.filter((n): n is MaliciousNode => n?.kind === kind);
      const t = this.#kinds.get(kind);
      if (mine.length === 0 && t === undefined) continue;
      const sum = (k: keyof MaliciousNode["stats"]) => mine.reduce((a, n) => a + n.stats[k], 0);
      out[kind] = {
        peers: t?.peers ?? 0,
        sent: sum("sent"),
        forged: sum("forged"),
        replayed: sum("replayed"),
        junk: sum("junk"),
        withheld: sum("withheld"),
        bans: t?.bans ?? 0,
        bannedPeers: t?.bannedPeers ?? 0,
        closed: t?.closed ?? {},
      };
    }
    return out;
  }

  /** Counts a peer of `kind` (once per malicious peer that joined). */
  joined(kind: MaliciousKind): void {
    this.#kind(kind).peers++;
  }

  #kind(kind: MaliciousKind): KindTally {
    let t = this.#kinds.get(kind);
    if (t === undefined) {
      this.#kinds.set(kind, t = { peers: 0, bans: 0, bannedPeers: 0, closed: {} });
    }
    return t;
  }
}
