/**
 * The datagram budget and every size limit of the wire format, in one place so the codec,
 * the source's block cutter and docs/protocol.md agree. How BLOCK_PAYLOAD follows from
 * MAX_DATAGRAM is worked out in docs/protocol.md ("Datagrams") and checked by
 * budget_test.ts, which encodes the worst case.
 */

/**
 * The wire format version, the first element of every datagram. Version 2 (session 9) cut
 * leaf hashes from 32 bytes to 16 ({@link LEAF_BYTES}); version 3 (session 20) gave "have"
 * its `list` flag; version 4 (session 28) added "offer"; version 5 (session 29) gave "keepalive" its `offers` flag; version 6 (session 30) offsets a
 * block's counter `n` by its connection's secret (lib/peer/conn_counter.ts). Peers of different versions refuse each other's datagrams at the frame
 * instead of misreading them.
 */
export const WIRE_VERSION = 6;

/** Largest datagram on the wire, bytes (QUIC's safe UDP payload size). */
export const MAX_DATAGRAM = 1200;

/** One MPEG-TS packet, bytes; blocks are cut on these boundaries. */
export const TS_PACKET = 188;

/** Most data blocks one batch signature (an AuthBlock) may cover. */
export const MAX_BATCH = 32;

/**
 * Largest data block payload, bytes: the largest multiple of {@link TS_PACKET} for which a
 * block message with worst-case integer fields still fits in {@link MAX_DATAGRAM}.
 * The worst-case framing is 45 bytes (docs/protocol.md), so 1200 - 45 = 1155 bytes are free
 * and 6 TS packets (1128 bytes) fit.
 */
export const BLOCK_PAYLOAD = 6 * TS_PACKET;

/**
 * Length of one leaf hash in an AuthBlock, bytes: sha256 truncated to its first 16 bytes
 * (lib/auth/merkle.ts; why 128 bits are enough: docs/security.md, "Truncated hashes").
 */
export const LEAF_BYTES = 16;

/** Length of an ed25519 signature, bytes. */
export const SIG_BYTES = 64;

/** Clubs are numbered 0 .. MAX_CLUB. */
export const MAX_CLUB = 65535;

/** Largest value of 32-bit fields (channel tag, hop time, packet counter). */
export const MAX_U32 = 0xffffffff;

/** Most sequence numbers in one "have" or "want". */
export const MAX_SEQS = 64;

/** Most addresses in one "peers" answer (the datagram budget may allow fewer). */
export const MAX_PEERS = 64;

/** Most club numbers in the club lists of "pong" and "connect". */
export const MAX_CLUBS = 64;

/** Longest address string, in UTF-8 bytes. */
export const MAX_ADDR_BYTES = 64;

/** Longest encoded bitfield (`Bitfield.bits`), bytes. */
export const MAX_BITFIELD_BYTES = 512;

/**
 * A ping is padded to at least this many bytes (with a 5-byte channel tag): three times it
 * covers the largest pong a peer in two clubs sends to an address of up to MAX_ADDR_BYTES,
 * so a peer can answer a ping from an address it has not validated within the 3x bound
 * (docs/protocol.md, "Address validation").
 */
export const PING_BYTES = 40;

/** Most padding bytes in a ping. */
export const MAX_PAD = 64;

/** Cookies and their echoes are integers in 1 .. 2^53 - 1; 0 means "none". */
export const MAX_COOKIE = Number.MAX_SAFE_INTEGER;
