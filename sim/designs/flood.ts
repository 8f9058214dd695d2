/**
 * Flooding, the first design the patent's background turns down [0004]: "each peer of the
 * network forward[s] each data block of the content received to its neighboring peers".
 * Peers form a random mesh (neighbours.ts: each opens {@link FLOOD_LINKS} links, accepts up
 * to {@link FLOOD_MAX}); every block a node verifies goes to every neighbour but the one it
 * came from, with no check of whether they have it. The source opens as many links as its
 * upload carries full copies of the stream (mesh.ts) and floods its blocks the same way. Neighbours send a
 * keep-alive every second; a link silent for 3 s is dead and replaced.
 */
import type { Addr, Block } from "../../lib/wire/messages.ts";
import type { Design } from "../design.ts";
import { type BaselineInit, BaselineNode } from "./baseline_node.ts";
import { type BaselineMsg, baselineSize } from "./messages.ts";
import { copiesCarried, meshMessage, meshRound } from "./mesh.ts";
import { MESH_DEFAULTS, Neighbours } from "./neighbours.ts";

/** Links a flood peer opens. */
export const FLOOD_LINKS = 4;
/** Links a flood peer holds at most. */
export const FLOOD_MAX = 8;

/** A node of the flood baseline. */
export class FloodNode extends BaselineNode {
  readonly mesh: Neighbours;
  #nextRound = 0;

  /** A flood peer or source born at `now`. */
  constructor(now: number, init: BaselineInit) {
    super(now, init);
    const links = init.role === "source"
      ? Math.max(1, copiesCarried(this.uploadBps, this.streamBps))
      : undefined;
    const want = links ?? FLOOD_LINKS, max = links ?? FLOOD_MAX;
    this.mesh = new Neighbours({ ...MESH_DEFAULTS, want, max }, this.rng, this.self);
  }

  /** {@inheritDoc BaselineNode.learn} */
  learn(addrs: readonly Addr[]): void {
    this.mesh.learn(addrs);
  }

  protected heard(now: number, from: Addr): void {
    this.mesh.heard(now, from);
  }

  protected relay(now: number, block: Block, from: Addr): void {
    for (const a of this.mesh.links.keys()) {
      if (a !== from) this.queue.block(now, a, block, this.stats);
    }
  }

  protected onMessage(now: number, from: Addr, msg: BaselineMsg): void {
    meshMessage(this, this.mesh, now, from, msg);
  }

  protected tick(now: number): void {
    if (now < this.#nextRound) return;
    this.#nextRound = now + 1000;
    meshRound(this, this.mesh, now);
    for (const a of this.mesh.links.keys()) this.send(a, { t: "alive" });
  }
}

/** `--design flood`. */
export const FLOOD: Design = {
  name: "flood",
  makeSource: (now, spec) => new FloodNode(now, { role: "source", spec }),
  makePeer: (now, spec) => new FloodNode(now, { role: "peer", spec }),
  size: (msg) => baselineSize(msg as BaselineMsg),
};
