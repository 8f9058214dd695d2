/**
 * What the two mesh baselines (flood.ts, pull.ts) share: the neighbour handshake ("link",
 * answered "linked" or "unlink") and the once-a-second round that replaces dead links
 * (neighbours.ts decides; these send what it decided).
 */
import type { Addr } from "../../lib/wire/messages.ts";
import type { BaselineNode } from "./baseline_node.ts";
import type { BaselineMsg } from "./messages.ts";
import { MESH_DEFAULTS, Neighbours } from "./neighbours.ts";

/** Links a mesh peer opens. */
export const MESH_LINKS = 4;
/** Links a mesh peer holds at most. */
export const MESH_MAX = 8;

/**
 * Full copies of the stream a node's upload carries, headers included: each block datagram
 * is about 5 % more than its payload on the wire (club fields, IP and UDP headers), and a
 * little more room is left for control. A source of 4x the stream rate (the default
 * network) sends 3 copies: a fourth would overfill its link, and blocks dropped at the
 * source are lost to every peer.
 */
export function copiesCarried(uploadBps: number, streamBps: number): number {
  return Math.floor(uploadBps / (streamBps * 1.1));
}

/** Handles the neighbour messages of a mesh baseline (flood, pull); true if it was one. */
export function meshMessage(
  node: BaselineNode,
  mesh: Neighbours,
  now: number,
  from: Addr,
  msg: BaselineMsg,
): boolean {
  switch (msg.t) {
    case "link":
      node.send(from, { t: mesh.offered(now, from) ? "linked" : "unlink" });
      return true;
    case "linked":
      if (!mesh.accepted(now, from)) node.send(from, { t: "unlink" });
      return true;
    case "unlink":
      mesh.refused(now, from);
      return true;
    case "alive":
      return true;
  }
  return false;
}

/** A mesh baseline's once-a-second round: dead links counted and replaced. */
export function meshRound(node: BaselineNode, mesh: Neighbours, now: number): void {
  const { dead, ask } = mesh.maintain(now);
  if (dead.length > 0) node.stats.dropped.dead = (node.stats.dropped.dead ?? 0) + dead.length;
  for (const a of ask) node.send(a, { t: "link" });
}

/**
 * The neighbour set of a mesh node: a peer opens {@link MESH_LINKS} links and holds up to
 * {@link MESH_MAX}; the source opens as many as its upload carries copies of the stream.
 */
export function meshOf(node: BaselineNode): Neighbours {
  const links = node.role === "source"
    ? Math.max(1, copiesCarried(node.uploadBps, node.streamBps))
    : undefined;
  const want = links ?? MESH_LINKS, max = links ?? MESH_MAX;
  return new Neighbours({ ...MESH_DEFAULTS, want, max }, node.rng, node.self);
}
