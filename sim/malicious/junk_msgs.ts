/**
 * Junk messages: well-formed datagrams (each passes lib/wire/validate.ts, so a real peer's
 * decoder would hand it over) whose fields are nonsense. Malformed bytes never get that far
 * (the decoders and `deno task fuzz` cover them); what is left for the protocol core is
 * every message type with made-up clubs, seqs, nonces, addresses, bitfields and blocks.
 */
import type { Rng } from "../../lib/rand.ts";
import { MAX_CLUB, MAX_PAD, MAX_SEQS, MAX_U32 } from "../../lib/wire/budget.ts";
import { TYPE_CODE } from "../../lib/wire/layout.ts";
import type { Addr, Block, Msg, MsgType } from "../../lib/wire/messages.ts";
import type { Forgeries } from "./forge.ts";

/** What the junk is made from. */
export interface JunkContext {
  readonly rng: Rng;
  readonly forgeries: Forgeries;
  /** The number naming the junk peer in the payloads it forges. */
  readonly id: number;
  /** Clubs in the swarm: most clubs named are real ones, which reach deeper into the core. */
  readonly clubs: number;
  /** A seq near the live stream (the junk peer's newest); seqs are drawn around it. */
  readonly top: number;
  /** Nodes in the swarm: made-up addresses are `n<index>` past them, so nobody answers. */
  readonly nodes: number;
}

const TYPES = Object.keys(TYPE_CODE) as MsgType[];

/** One junk message of a random type. */
export function junkMsg(cx: JunkContext): Msg {
  return junkOf(cx, cx.rng.pick(TYPES));
}

/** One junk message of type `t`. */
export function junkOf(cx: JunkContext, t: MsgType): Msg {
  const { rng } = cx;
  const dir = () => rng.chance(0.5) ? "up" as const : "down" as const;
  switch (t) {
    case "block":
      return {
        t,
        club: club(cx),
        hop: rng.int(MAX_U32 + 1),
        n: rng.int(MAX_U32 + 1),
        repair: rng.chance(0.5),
        block: junkBlock(cx),
      };
    case "have":
      return { t, club: club(cx), seqs: seqs(cx), list: rng.chance(0.5) };
    case "keepalive":
      return { t, club: club(cx), lead: rng.chance(0.5), cookie: nonce(rng), offers: false };
    case "ping":
      return { t, nonce: nonce(rng), pad: rng.int(MAX_PAD + 1) };
    case "pong":
      return {
        t,
        nonce: nonce(rng),
        you: fakeAddr(cx),
        clubs: clubList(cx),
        up: rng.int(1000),
        upIn: rng.int(1000),
        down: rng.int(1000),
        downIn: rng.int(1000),
        full: rng.chance(0.5),
        cookie: nonce(rng),
      };
    case "find":
      return { t, club: club(cx), nonce: nonce(rng), cookie: nonce(rng) };
    case "peers":
      return {
        t,
        club: club(cx),
        nonce: nonce(rng),
        peers: Array.from({ length: 1 + rng.int(64) }, () => fakeAddr(cx)),
      };
    case "connect": {
      const have = rng.chance(0.5) ? null : {
        base: seq(cx),
        bits: Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256)),
      };
      return { t, club: club(cx), dir: dir(), clubs: clubList(cx), have, cookie: nonce(rng) };
    }
    case "accept":
      return { t, club: club(cx), dir: dir(), cookie: nonce(rng) };
    case "drop":
      return { t, club: club(cx), dir: dir(), cookie: nonce(rng) };
    case "want":
      return { t, seqs: seqs(cx) };
    case "offer":
      return { t, club: club(cx), seqs: seqs(cx) };
  }
}

/** A forged block near the live stream or far from it; a tenth are signature blocks. */
export function junkBlock(cx: JunkContext): Block {
  const s = Math.max(1, seq(cx));
  const srcTime = cx.rng.int(2 ** 40);
  if (cx.rng.chance(0.1)) return cx.forgeries.auth(s, srcTime, 1 + cx.rng.int(32), 0, cx.id);
  return cx.forgeries.data(s, srcTime, cx.id);
}

/** A club: usually a real one, sometimes any the wire allows. */
function club(cx: JunkContext): number {
  return cx.rng.chance(0.8) ? cx.rng.int(cx.clubs) : cx.rng.int(MAX_CLUB + 1);
}

function clubList(cx: JunkContext): number[] {
  return Array.from({ length: cx.rng.int(5) }, () => club(cx));
}

/** A seq: usually within a few thousand of the live stream, sometimes anywhere. */
function seq(cx: JunkContext): number {
  const { rng } = cx;
  if (rng.chance(0.2)) return rng.int(2 ** 48);
  return Math.max(0, cx.top + rng.int(4000) - 2000);
}

function seqs(cx: JunkContext): number[] {
  return Array.from({ length: 1 + cx.rng.int(MAX_SEQS) }, () => seq(cx));
}

function nonce(rng: Rng): number {
  return rng.chance(0.5) ? rng.int(100) : rng.int(2 ** 48);
}

/** An address nobody in the swarm answers. */
function fakeAddr(cx: JunkContext): Addr {
  return `n${cx.nodes + cx.rng.int(1_000_000)}`;
}
