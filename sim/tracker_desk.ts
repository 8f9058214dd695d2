/**
 * The tracker as the partitions of a run see it (partition.ts): a node's request reaches it
 * half a round trip after it was sent, and its answer comes back half a round trip later.
 * Requests are handled in the order of their arrival, ties by node (and a node's own in the
 * order it sent them), so the answers are the same however the nodes are split.
 */
import { Rng } from "../lib/rand.ts";
import type { ListedPeer } from "./design.ts";
import { SimTracker } from "./sim_tracker.ts";

/** A node's request: to be dealt clubs and listed, for more peers, or to be forgotten. */
export interface TrackerRequest {
  /** When the node sent it, ms. */
  readonly at: number;
  readonly node: number;
  readonly op: "join" | "announce" | "remove";
}

/** The answer to a "join" (with `clubs`) or an "announce", due at the node at `at`. */
export interface TrackerReply {
  readonly at: number;
  /** Orders the answer among events due at the same time (below every node's own). */
  readonly tie: number;
  readonly node: number;
  readonly clubs?: readonly number[];
  readonly peers: ListedPeer[];
}

/** Peers listed in each answer. */
const SAMPLE = 50;
/** The first answer's tie number: below every tie a node gives (those are >= -1). */
const FIRST_TIE = -(2 ** 52);

/** The in-process tracker of a partitioned run. */
export class TrackerDesk {
  readonly #tracker: SimTracker;
  readonly #rttMs: number;
  #answered = 0;

  /** A tracker for `clubs` clubs, drawing from `seed`, `rttMs` away from every node. */
  constructor(clubs: number, seed: number, rttMs: number) {
    this.#tracker = new SimTracker(clubs, new Rng(seed));
    this.#rttMs = rttMs;
  }

  /**
   * Handles the requests of one window, from every partition, in order of arrival; returns
   * the answers. Every request of a window was sent before any of the next window's, so a
   * window's requests all come before the next's.
   */
  handle(requests: readonly TrackerRequest[]): TrackerReply[] {
    const sorted = [...requests].sort((a, b) => a.at - b.at || a.node - b.node);
    const replies: TrackerReply[] = [];
    for (const r of sorted) {
      const addr = `n${r.node}`, at = r.at + this.#rttMs;
      if (r.op === "remove") this.#tracker.remove(addr);
      else if (r.op === "announce") {
        replies.push({
          at,
          tie: FIRST_TIE + this.#answered++,
          node: r.node,
          peers: this.#list(addr),
        });
      } else {
        const clubs = this.#tracker.deck.deal();
        const peers = this.#list(addr);
        this.#tracker.add(addr, clubs);
        replies.push({ at, tie: FIRST_TIE + this.#answered++, node: r.node, clubs, peers });
      }
    }
    return replies;
  }

  #list(addr: string): ListedPeer[] {
    return this.#tracker.sample(addr, SAMPLE).map((p) => ({ addr: p.addr, clubs: p.clubs }));
  }
}
