/**
 * The club protocol as a design: the real source node and peer core of lib/, unchanged
 * (the same classes the `source` and `peer` programs run over UDP).
 */
import { PeerCore } from "../../lib/peer/peer.ts";
import { SourceNode } from "../../lib/source/source_node.ts";
import { wireSize } from "../../lib/wire/size.ts";
import type { Design, SimMsg } from "../design.ts";

/** BitTorrent Live's clubs (patent [0005]): lib/peer and lib/source as they are. */
export const CLUBS: Design = {
  name: "clubs",
  makeSource: (now, s) =>
    new SourceNode(now, {
      self: s.self,
      clubs: s.clubs,
      rng: s.rng,
      signer: s.signer,
      suite: s.suite,
      align: 188,
      thresholdMs: 800,
      config: s.config,
    }),
  makePeer: (now, s): PeerCore =>
    new PeerCore(now, {
      self: s.self,
      role: "peer",
      clubs: s.clubs,
      myClubs: s.myClubs,
      suite: s.suite,
      rng: s.rng,
      source: s.source,
      config: s.config,
      playback: { targetDelayMs: s.playDelayMs },
    }),
  size: wireSize as (msg: SimMsg) => number,
};
