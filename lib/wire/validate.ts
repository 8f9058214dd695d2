/**
 * The rules every message must satisfy on the wire (docs/protocol.md, "Datagrams"). The
 * encoder checks them before sending and the decoder after unpacking, so both sides enforce
 * exactly the same limits. Violations throw RangeError.
 */
import type { AuthBlock, Bitfield, Block, DataBlock, Msg } from "./messages.ts";
import {
  BLOCK_PAYLOAD,
  LEAF_BYTES,
  MAX_ADDR_BYTES,
  MAX_BATCH,
  MAX_BITFIELD_BYTES,
  MAX_CLUB,
  MAX_CLUBS,
  MAX_COOKIE,
  MAX_PAD,
  MAX_PEERS,
  MAX_SEQS,
  MAX_U32,
  SIG_BYTES,
} from "./budget.ts";
import { bool, bytes, fail, list, text, uint } from "./fields.ts";

const MAX_INT = Number.MAX_SAFE_INTEGER;

/** Throws RangeError unless `msg` is a well-formed message within every wire limit. */
export function validateMsg(msg: Msg): void {
  if (typeof msg !== "object" || msg === null) fail("message: expected an object");
  switch (msg.t) {
    case "block":
      club(msg.club);
      uint(msg.hop, MAX_U32, "block.hop");
      uint(msg.n, MAX_U32, "block.n");
      bool(msg.repair, "block.repair");
      return validateBlock(msg.block);
    case "have":
      club(msg.club);
      bool(msg.list, "have.list");
      return seqs(msg.seqs, "have.seqs");
    case "keepalive":
      club(msg.club);
      bool(msg.lead, "keepalive.lead");
      bool(msg.offers, "keepalive.offers");
      return void uint(msg.cookie, MAX_COOKIE, "keepalive.cookie");
    case "ping":
      uint(msg.nonce, MAX_INT, "ping.nonce");
      return void uint(msg.pad, MAX_PAD, "ping.pad");
    case "pong":
      uint(msg.nonce, MAX_INT, "pong.nonce");
      text(msg.you, MAX_ADDR_BYTES, "pong.you");
      clubs(msg.clubs, "pong.clubs");
      uint(msg.up, MAX_INT, "pong.up");
      uint(msg.upIn, MAX_INT, "pong.upIn");
      uint(msg.down, MAX_INT, "pong.down");
      uint(msg.downIn, MAX_INT, "pong.downIn");
      bool(msg.full, "pong.full");
      return void uint(msg.cookie, MAX_COOKIE, "pong.cookie");
    case "find":
      club(msg.club);
      uint(msg.nonce, MAX_INT, "find.nonce");
      return void uint(msg.cookie, MAX_COOKIE, "find.cookie");
    case "peers":
      club(msg.club);
      uint(msg.nonce, MAX_INT, "peers.nonce");
      for (const a of list(msg.peers, MAX_PEERS, "peers.peers")) text(a, MAX_ADDR_BYTES, "peer");
      return;
    case "connect":
      club(msg.club);
      dir(msg.dir);
      clubs(msg.clubs, "connect.clubs");
      if (msg.have !== null) bitfield(msg.have);
      return void uint(msg.cookie, MAX_COOKIE, "connect.cookie");
    case "accept":
      club(msg.club);
      dir(msg.dir);
      return void uint(msg.cookie, MAX_COOKIE, "accept.cookie");
    case "drop":
      club(msg.club);
      dir(msg.dir);
      return void uint(msg.cookie, MAX_COOKIE, "drop.cookie");
    case "want":
      return seqs(msg.seqs, "want.seqs");
    case "offer":
      club(msg.club);
      return seqs(msg.seqs, "offer.seqs");
    default:
      fail(`message: unknown type ${String((msg as { t: unknown }).t)}`);
  }
}

/** Throws RangeError unless `b` is a well-formed data or auth block. */
export function validateBlock(b: Block): void {
  if (typeof b !== "object" || b === null) fail("block: expected an object");
  uint(b.seq, MAX_INT, "block.seq");
  uint(b.srcTime, MAX_INT, "block.srcTime");
  if (b.kind === "data") return void bytes((b as DataBlock).payload, 1, BLOCK_PAYLOAD, "payload");
  if (b.kind !== "auth") fail(`block: unknown kind ${String((b as { kind: unknown }).kind)}`);
  const a = b as AuthBlock;
  const count = uint(a.count, MAX_BATCH, "auth.count");
  if (count < 1) fail("auth.count: expected 1..32, got 0");
  uint(a.bitrate, MAX_INT, "auth.bitrate");
  uint(a.threshold, MAX_INT, "auth.threshold");
  const leaves = list(a.leaves, MAX_BATCH, "auth.leaves");
  if (leaves.length !== count) fail(`auth.leaves: ${leaves.length} leaves for count ${count}`);
  for (const leaf of leaves) bytes(leaf, LEAF_BYTES, LEAF_BYTES, "auth.leaf");
  bytes(a.sig, SIG_BYTES, SIG_BYTES, "auth.sig");
}

function club(c: unknown): void {
  uint(c, MAX_CLUB, "club");
}

function clubs(v: unknown, name: string): void {
  for (const c of list(v, MAX_CLUBS, name)) club(c);
}

function dir(d: unknown): void {
  if (d !== "up" && d !== "down") fail(`dir: expected "up" or "down"`);
}

function seqs(v: unknown, name: string): void {
  for (const s of list(v, MAX_SEQS, name)) uint(s, MAX_INT, name);
}

function bitfield(bf: Bitfield): void {
  if (typeof bf !== "object" || bf === null) fail("connect.have: expected a bitfield or null");
  uint(bf.base, MAX_INT, "bitfield.base");
  bytes(bf.bits, 1, MAX_BITFIELD_BYTES, "bitfield.bits");
}
