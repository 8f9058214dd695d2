/**
 * Flooding, the first design the patent's background turns down [0004]: "each peer of the
 * network forward[s] each data block of the content received to its neighboring peers".
 * Peers form a random mesh (mesh.ts, neighbours.ts: each opens 4 links, accepts up to 8);
 * every block a node verifies goes to every neighbour but the one its first copy came
 * from, with no check of whether they have it. The source opens as many links as its
 * upload carries full copies of the stream and floods its blocks the same way. Neighbours
 * send a keep-alive every second; a link silent for 3 s is dead and replaced. A node's
 * pushes ask for several times its upload, so its send queue is a UDP socket's buffer,
 * drop-tail (link_queue.ts): the newest blocks are dropped when it is full.
 */
import type { Addr, Block } from "../../lib/wire/messages.ts";
import type { Design } from "../design.ts";
import { type BaselineInit, BaselineNode } from "./baseline_node.ts";
import { type BaselineMsg, baselineSize } from "./messages.ts";
import { SOCKET_BUFFER_BYTES } from "./link_queue.ts";
import { meshMessage, meshOf, meshRound } from "./mesh.ts";
import type { Neighbours } from "./neighbours.ts";

/** A node of the flood baseline. */
export class FloodNode extends BaselineNode {
  readonly mesh: Neighbours;
  #nextRound = 0;

  /** A flood peer or source born at `now`. */
  constructor(now: number, init: BaselineInit) {
    super(now, init);
    this.mesh = meshOf(this);
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

/** A UDP socket's buffer: bounded, first in, first out. */
const SOCKET_BUFFER = { bytes: SOCKET_BUFFER_BYTES } as const;

/** `--design flood`. */
export const FLOOD: Design = {
  name: "flood",
  makeSource: (now, spec) => new FloodNode(now, { role: "source", spec, queue: SOCKET_BUFFER }),
  makePeer: (now, spec) => new FloodNode(now, { role: "peer", spec, queue: SOCKET_BUFFER }),
  size: (msg) => baselineSize(msg as BaselineMsg),
};
