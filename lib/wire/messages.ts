/**
 * The messages peers and the source exchange, as plain readonly objects (a discriminated
 * union on `t`). lib/wire/codec.ts turns them into CBOR datagrams and back; the core and the
 * simulator only ever see these objects.
 *
 * Addresses are opaque strings ("203.0.113.7:4000" on the real network, "p17" in the
 * simulator). Sequence numbers are non-negative integers. Times are milliseconds on the
 * sender's own clock; nothing assumes synchronised clocks.
 */

/** A peer's network address as the transport names it. */
export type Addr = string;

/** Direction of a one-way connection, seen from the peer that names it. */
export type Dir = "up" | "down";

/**
 * A media block: one run of whole MPEG-TS packets (or bytes of any other stream), numbered
 * by `seq`. `srcTime` is the source's clock when it cut the block; peers order and time
 * playback by it. Its authenticity comes from the batch's {@link AuthBlock}.
 */
export interface DataBlock {
  readonly kind: "data";
  readonly seq: number;
  readonly srcTime: number;
  readonly payload: Uint8Array;
}

/**
 * The signature of one batch, itself carried as a block in the sequence (see
 * docs/protocol.md, "Batch signatures"). It covers the data blocks `seq - count .. seq - 1`:
 * `leaves` are their sha256 leaf hashes, from which a receiver rebuilds the Merkle root;
 * `sig` is the source's ed25519 signature over the root and the batch header. It also
 * carries the source's bitrate estimate and the delay threshold (patent [0044], [0051]).
 */
export interface AuthBlock {
  readonly kind: "auth";
  readonly seq: number;
  readonly srcTime: number;
  /** How many data blocks precede this one in the batch (1..32). */
  readonly count: number;
  /** The source's bitrate estimate, bits per second. */
  readonly bitrate: number;
  /** One-way queueing delay, ms, past which a receiver drops its download connection. */
  readonly threshold: number;
  /** sha256 leaf hashes of the batch's data blocks, in order. */
  readonly leaves: readonly Uint8Array[];
  /** ed25519 signature (64 bytes). */
  readonly sig: Uint8Array;
}

/** Anything that occupies a sequence number. */
export type Block = DataBlock | AuthBlock;

/** A block on a connection. */
export interface BlockMsg {
  readonly t: "block";
  /** The club whose connection carries it. */
  readonly club: number;
  /** The sender's clock when it sent this datagram, ms modulo 2^32 (one-way delay). */
  readonly hop: number;
  /**
   * Per-connection packet counter (gap = loss; a block skipped after "have" is no gap), offset
   * by the connection's secret modulo 2^32 (lib/peer/conn_counter.ts).
   */
  readonly n: number;
  /** True when sent in answer to a "want" (repair), outside the connection's counter. */
  readonly repair: boolean;
  readonly block: Block;
}

/** "I already have these blocks": sent to in-club upstreams (patent [0046]). */
export interface HaveMsg {
  readonly t: "have";
  readonly club: number;
  readonly seqs: readonly number[];
  /**
   * True for the list of blocks a downstream already held when the connection opened
   * (peer_relay.ts, `sendHolding`); false for blocks that just came (gathered until the peer
   * next sends, have_batch.ts), from which an upstream learns how late this downstream's
   * "have"s come.
   */
  readonly list: boolean;
}

/**
 * A downstream asks its upstream to keep the connection (patent [0053]). `lead` marks the
 * in-club upstream whose copies arrive first: it pushes at once, the others hold each block
 * briefly so that this peer's "have" can spare them the send (docs/protocol.md).
 */
export interface KeepaliveMsg {
  readonly t: "keepalive";
  readonly club: number;
  readonly lead: boolean;
  /**
   * The upstream's cookie for this downstream's address, echoed (0 if unknown): it proves to
   * the upstream that the downstream receives at that address (docs/protocol.md, "Address
   * validation").
   */
  readonly cookie: number;
  /**
   * The downstream takes offers of the blocks an upstream holds as backups (offer.ts): its
   * downloads lose little lately, so a held copy it lacks is rare and one more round trip
   * for it is cheap. False: held copies are sent (the patent's push, spared only by a "have" in time).
   */
  readonly offers: boolean;
}

/**
 * Liveness and load probe (patent [0033]). `nonce` must be unpredictable (a pong echoing it
 * proves the ponger's address). `pad` zero bytes make the ping at least PING_BYTES long, so
 * that a pong to a pinger not yet validated stays within three times what it sent.
 */
export interface PingMsg {
  readonly t: "ping";
  readonly nonce: number;
  /** Number of zero bytes of padding (0..MAX_PAD). */
  readonly pad: number;
}

/** Answer to a ping: who the responder is and how loaded it is. */
export interface PongMsg {
  readonly t: "pong";
  readonly nonce: number;
  /** The address the ping came from, so a peer behind NAT learns its public address. */
  readonly you: Addr;
  /** The responder's clubs; empty for the source. */
  readonly clubs: readonly number[];
  /** Upload connections in total, and inside the responder's clubs. */
  readonly up: number;
  readonly upIn: number;
  /** Download connections in total, and inside the responder's clubs. */
  readonly down: number;
  readonly downIn: number;
  /** True when the responder's upload is saturated: it takes no new out-of-club downloader. */
  readonly full: boolean;
  /** The responder's cookie for the pinger's address, to echo in a later "connect". */
  readonly cookie: number;
}

/** "Which peers do you know in this club?" (patent [0032]). */
export interface FindMsg {
  readonly t: "find";
  readonly club: number;
  readonly nonce: number;
  /** The responder's cookie for the finder, as its pong gave it (0 if none): a full answer. */
  readonly cookie: number;
}

/** Answer to {@link FindMsg}. */
export interface PeersMsg {
  readonly t: "peers";
  readonly club: number;
  readonly nonce: number;
  readonly peers: readonly Addr[];
}

/** A run-length, Elias-gamma bitfield of held blocks of one club (patent [0056]). */
export interface Bitfield {
  /** The sequence number of bit 0. Bit i stands for `base + i * clubs`. */
  readonly base: number;
  readonly bits: Uint8Array;
}

/**
 * Opens a connection. `dir` is the initiator's side: "down" asks the responder to upload
 * to the initiator; "up" offers to upload to the responder. A download request carries the
 * initiator's bitfield of the club so the uploader can send what is missing.
 */
export interface ConnectMsg {
  readonly t: "connect";
  readonly club: number;
  readonly dir: Dir;
  /** The initiator's clubs (empty for the source), so the responder knows if it is in-club. */
  readonly clubs: readonly number[];
  readonly have: Bitfield | null;
  /**
   * The upstream's cookie for the downstream (0 if unknown): with `dir` "down" the initiator
   * (downstream) echoes the responder's cookie it got in a pong; with "up" the initiator
   * (upstream) hands the responder its own, to be echoed in the accept.
   */
  readonly cookie: number;
}

/** The responder took the connection (patent [0059]). */
export interface AcceptMsg {
  readonly t: "accept";
  readonly club: number;
  readonly dir: Dir;
  /**
   * The upstream's cookie for the downstream: with `dir` "down" the responder (upstream) hands
   * the initiator its cookie; with "up" the responder (downstream) echoes the connect's.
   */
  readonly cookie: number;
}

/** The sender closed its side of a connection; `dir` is the sender's side. */
export interface DropMsg {
  readonly t: "drop";
  readonly club: number;
  readonly dir: Dir;
  /**
   * The connection's cookie: the one its accept carried (the responder's cookie for the
   * initiator), which both ends know and nobody else does; 0 if the sender never learned it.
   * A drop of an accepted connection without it is ignored: a spoofed one cannot close it.
   */
  readonly cookie: number;
}

/**
 * "I hold these blocks; ask if you still want them": what a non-lead in-club upstream sends
 * at the end of a hold instead of the block, when no "have" came for it (docs/protocol.md,
 * "Offers instead of held copies"). The downstream answers with "want" for those it still lacks.
 */
export interface OfferMsg {
  readonly t: "offer";
  readonly club: number;
  readonly seqs: readonly number[];
}

/** Repair: "send me these blocks" (docs/protocol.md, "Loss repair"). */
export interface WantMsg {
  readonly t: "want";
  readonly seqs: readonly number[];
}

/** Every message of the protocol. */
export type Msg =
  | BlockMsg
  | HaveMsg
  | KeepaliveMsg
  | PingMsg
  | PongMsg
  | FindMsg
  | PeersMsg
  | ConnectMsg
  | AcceptMsg
  | DropMsg
  | WantMsg
  | OfferMsg;

/** The message type names. */
export type MsgType = Msg["t"];
