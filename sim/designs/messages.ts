/**
 * The messages of the baseline designs (flood, pull mesh, push tree) beside the club
 * protocol's block message, which every design sends blocks in (design.ts). They never go
 * over a real socket; their sizes are what the club wire format (lib/wire, a CBOR array
 * `[version, channel tag, type code, ...fields]`) would make of them, so that control
 * overhead compares like with like.
 */
import { encodeCbor } from "../../lib/wire/cbor.ts";
import { MAX_U32, WIRE_VERSION } from "../../lib/wire/budget.ts";
import type { Addr, BlockMsg } from "../../lib/wire/messages.ts";
import { wireSize } from "../../lib/wire/size.ts";

/** "Be my neighbour" (flood, pull). */
export interface LinkMsg {
  readonly t: "link";
}
/** The neighbour request was taken. */
export interface LinkedMsg {
  readonly t: "linked";
}
/** The neighbour request was refused, or the link is closed. */
export interface UnlinkMsg {
  readonly t: "unlink";
}
/** "I am still here": a neighbour's keep-alive, a tree child's to its parent. */
export interface AliveMsg {
  readonly t: "alive";
}
/**
 * A pull-mesh buffer map: bit i says the sender holds seq `base + i` (CoolStreaming/DONet);
 * a request has the same shape, bit i asking for seq `base + i`.
 */
export interface MapMsg {
  readonly t: "bufmap" | "request";
  readonly base: number;
  readonly bits: Uint8Array;
}
/**
 * A tree node asks to become a child, and to be sent the blocks from seq `from` on; it can
 * carry `slots` children itself.
 */
export interface JoinMsg {
  readonly t: "join";
  readonly from: number;
  readonly slots: number;
}
/**
 * A tree parent's answer to "join" (`ok`) and its heartbeat to its children: the path from
 * the root down to the sender, empty while the sender itself is cut off from the root.
 */
export interface PathMsg {
  readonly t: "joined" | "beat";
  readonly path: readonly Addr[];
}
/** A tree node refuses a child, a child leaves its parent, or a parent drops a child. */
export interface RefuseMsg {
  readonly t: "refuse" | "leave";
}
/** A tree child asks its parent again for blocks lost on their link. */
export interface NackMsg {
  readonly t: "nack";
  readonly seqs: readonly number[];
}

/** Every message of the baselines. */
export type BaselineMsg =
  | BlockMsg
  | LinkMsg
  | LinkedMsg
  | UnlinkMsg
  | AliveMsg
  | MapMsg
  | JoinMsg
  | PathMsg
  | RefuseMsg
  | NackMsg;

/** Type codes after the club protocol's (0..10). */
const CODE: Record<Exclude<BaselineMsg["t"], "block">, number> = {
  link: 16,
  linked: 17,
  unlink: 18,
  alive: 19,
  bufmap: 20,
  request: 21,
  join: 22,
  joined: 23,
  beat: 24,
  refuse: 25,
  leave: 26,
  nack: 27,
};

const fixedSizes = new Map<string, number>();

/**
 * Bytes of `msg` as a datagram of the club wire format, with a 5-byte channel tag (as
 * lib/wire/size.ts assumes); a block message is sized by lib/wire/size.ts itself.
 */
export function baselineSize(msg: BaselineMsg): number {
  switch (msg.t) {
    case "block":
      return wireSize(msg);
    case "bufmap":
    case "request":
      return encoded(msg.t, [msg.base, msg.bits]);
    case "join":
      return encoded(msg.t, [msg.from, msg.slots]);
    case "joined":
    case "beat":
      return encoded(msg.t, [msg.path]);
    case "nack":
      return encoded(msg.t, [msg.seqs]);
    default: {
      let n = fixedSizes.get(msg.t);
      if (n === undefined) fixedSizes.set(msg.t, n = encoded(msg.t, []));
      return n;
    }
  }
}

function encoded(t: Exclude<BaselineMsg["t"], "block">, fields: unknown[]): number {
  return encodeCbor([WIRE_VERSION, MAX_U32, CODE[t], ...fields]).length;
}
