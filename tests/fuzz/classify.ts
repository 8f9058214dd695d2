/**
 * What a datagram did to the peer, judged from the snapshots before and after it, the events
 * the peer reported and the datagrams it sent.
 *
 * From a stranger (an address the peer has no connection with) nothing may change, except
 * that a "connect" may open a connection with the stranger (that is how peers meet), which
 * may displace at most one other in-club connection (the [0059] surplus rule). A stranger's
 * "peers" teaches nothing (the peer asked it nothing), and its block bans nobody (its address
 * may be anyone's). Anything else is a violation.
 *
 * From a spoofed connection address, state may change (connection bookkeeping, a pending
 * block, a ban of the spoofed address); the violation is a block that is not the genuine
 * one being stored, played or sent on.
 */
import type { PeerEvent } from "../../lib/peer/events.ts";
import { decodeDatagram } from "../../lib/wire/codec.ts";
import type { Addr, Block, Msg } from "../../lib/wire/messages.ts";
import type { Part, Snapshot } from "./snapshot.ts";
import type { Scenario, World } from "./world.ts";

/**
 * Judges a stranger's delivered message: "" when nothing changed, "ok:<outcome>" for an
 * allowed change, otherwise what went wrong.
 */
export function strangerChange(
  msg: Msg,
  from: Addr,
  parts: readonly Part[],
  before: Snapshot,
  after: Snapshot,
  events: readonly PeerEvent[],
): string {
  const odd = events.filter((e) =>
    !(e.type === "conn" && (e.remote === from || e.reason === "surplus"))
  );
  if (odd.length > 0) return `events ${odd.map((e) => e.type).join(",")} on ${msg.t}`;
  if (parts.length === 0) return events.length > 0 ? `events without a change on ${msg.t}` : "";
  const only = (...allowed: Part[]) => parts.every((p) => allowed.includes(p));
  if (msg.t === "connect" && only("conns")) {
    let removed = 0;
    for (const [k, v] of before.conns) {
      const now = after.conns.get(k);
      if (now === undefined) removed++;
      else if (now !== v && k !== "catchUps") return `connection ${k} changed`;
    }
    for (const k of after.conns.keys()) {
      if (!before.conns.has(k) && !k.endsWith(`|${from}`)) return `connection ${k} opened`;
    }
    if (removed > 1) return `${removed} connections displaced`;
    return removed > 0 ? "ok:connected displaced" : "ok:connected";
  }
  return `changed ${parts.join(",")} on ${msg.t}`;
}

function sameBlock(a: Block | undefined, b: Block | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const bytes = (x: Block) => (x.kind === "data" ? x.payload : x.sig);
  const ba = bytes(a), bb = bytes(b);
  return a.kind === b.kind && a.seq === b.seq && a.srcTime === b.srcTime &&
    ba.length === bb.length && ba.every((v, i) => v === bb[i]);
}

/**
 * After a spoofed datagram: "" when every block the peer holds, plays or sent is genuine,
 * otherwise which one is not. `seqs` are the seqs to check in the store.
 */
export function forgedAccepted(
  w: World,
  s: Scenario,
  seqs: readonly number[],
  sent: readonly { to: Addr; bytes: Uint8Array }[],
): string {
  for (const seq of seqs) {
    const held = w.core.store.get(seq);
    if (held !== undefined && !sameBlock(held, s.genuine.get(seq))) return `stored ${seq}`;
  }
  for (const e of w.events) {
    if (e.type === "ready" && !sameBlock(w.core.store.get(e.seq), s.genuine.get(e.seq))) {
      return `ready ${e.seq}`;
    }
    if (e.type === "playback" && e.event.type === "play") {
      const g = s.genuine.get(e.event.seq);
      const p = e.event.payload;
      if (
        g?.kind !== "data" || g.payload.length !== p.length || g.payload.some((v, i) => v !== p[i])
      ) {
        return `played ${e.event.seq}`;
      }
    }
  }
  for (const { to, bytes } of sent) {
    const r = decodeDatagram(bytes);
    if (r.ok && r.msg.t === "block" && !sameBlock(r.msg.block, s.genuine.get(r.msg.block.seq))) {
      return `sent ${r.msg.block.seq} to ${to}`;
    }
  }
  return "";
}
