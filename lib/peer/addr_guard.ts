/**
 * Address validation against amplification (docs/protocol.md, "Address validation"). A UDP
 * source address proves nothing: anyone can send a "connect" that names a victim as the
 * sender. So until an address has shown that it receives what is sent to it (it echoed this
 * peer's cookie for it, or answered one of its pings), everything this peer sends there but
 * its own requests stays within `factor` (3) times the bytes that came from it, as QUIC's
 * servers do before address validation (RFC 9000, section 8).
 *
 * A cookie is a keyed hash of the address under a secret drawn from the peer's seeded PRNG
 * at birth: nothing to store per address, and only the address's owner (or whoever sees its
 * traffic) learns it. Ping nonces come from the same key, so a pong cannot be guessed.
 * Every table is bounded: validated addresses and byte counts are forgotten oldest first (a
 * forgotten count starts again from zero on both sides, so the bound still holds).
 */
import type { Rng } from "../rand.ts";
import type { Addr, Msg } from "../wire/messages.ts";
import { wireSize } from "../wire/size.ts";
import { KeyedBlake2s } from "./keyed_blake2s.ts";

/** Options of an {@link AddrGuard}. */
export interface AddrGuardOptions {
  /** Most bytes sent to an unvalidated address per byte received from it. */
  readonly factor: number;
  /** Validated addresses remembered (least recently proven forgotten first). */
  readonly maxValidated: number;
  /** Unvalidated addresses whose bytes are counted (oldest forgotten first). */
  readonly maxPending: number;
}

/** The defaults: the 3x of issue 6 and QUIC. */
export const DEFAULT_GUARD: AddrGuardOptions = {
  factor: 3,
  maxValidated: 4096,
  maxPending: 4096,
};

/** What the guard counted. */
export interface AddrGuardStats {
  /** Addresses that proved themselves. */
  validated: number;
  /** Datagrams not sent because they would have broken the bound, and their bytes. */
  capped: number;
  cappedBytes: number;
}

interface Count {
  recv: number;
  sent: number;
}

/**
 * wireSize assumes a 5-byte channel tag; a real tag may take as little as 1 byte. Bytes
 * received are counted at the low end and bytes sent at the high end, so the bound holds on
 * the real datagrams whatever the tag.
 */
const TAG_SLACK = 4;

const encoder = new TextEncoder();
/** Where #hash puts each digest (read at once, never kept). */
const DIGEST = new Uint8Array(8);
const MAX_COOKIES = 4096;

/** Cookies, budgets and the validated set of one peer. */
export class AddrGuard {
  readonly stats: AddrGuardStats = { validated: 0, capped: 0, cappedBytes: 0 };
  /** Keyed BLAKE2s under this peer's secret key, 8 bytes out. */
  readonly #hasher: KeyedBlake2s;
  readonly #opts: AddrGuardOptions;
  readonly #validated = new Set<Addr>();
  readonly #pending = new Map<Addr, Count>();
  /** Cookies computed lately (a hash each; keep-alives check them all the time). */
  readonly #cookies = new Map<Addr, number>();
  #nonces = 0;
  /**
   * Bumped whenever a validated address is forgotten (past `maxValidated`): a note taken at
   * the current epoch that an address is validated is still true (peer.ts keeps one on each
   * connection, which spares it this guard's lookup for every datagram).
   */
  #epoch = 0;
  #findNonces = 0;

  /** A guard whose 32-byte key is drawn from `rng`. */
  constructor(rng: Rng, opts: Partial<AddrGuardOptions> = {}) {
    this.#opts = { ...DEFAULT_GUARD, ...opts };
    const key = new Uint8Array(32);
    const view = new DataView(key.buffer);
    for (let i = 0; i < 32; i += 4) view.setUint32(i, rng.int(2 ** 32));
    this.#hasher = new KeyedBlake2s(key, 8);
  }

  /** This peer's cookie for `addr`: an integer in 1 .. 2^53 - 1. */
  cookie(addr: Addr): number {
    let c = this.#cookies.get(addr);
    if (c === undefined) {
      if (this.#cookies.size >= MAX_COOKIES) this.#cookies.clear();
      c = this.#hash(0x63, encoder.encode(addr));
      this.#cookies.set(addr, c);
    }
    return c;
  }

  /** A fresh ping nonce nobody can predict without the key. */
  nonce(): number {
    return this.#counted(0x6e, this.#nonces++);
  }

  /**
   * A fresh "find" nonce, as unpredictable (its own sequence: ping nonces stay as they were):
   * only the peer asked can answer the find, so nobody else can plant addresses.
   */
  findNonce(): number {
    return this.#counted(0x66, this.#findNonces++);
  }

  /** True once `addr` has proven it receives what is sent to it. */
  isValid(addr: Addr): boolean {
    return this.#validated.has(addr);
  }

  /**
   * Records that `addr` proved itself (it echoed a cookie or a ping nonce); true if it was
   * not validated before.
   */
  validate(addr: Addr): boolean {
    if (this.#validated.delete(addr)) {
      this.#validated.add(addr);
      return false;
    }
    this.#validated.add(addr);
    this.#pending.delete(addr);
    this.stats.validated++;
    if (this.#validated.size > this.#opts.maxValidated) {
      this.#validated.delete(this.#validated.values().next().value as Addr);
      this.#epoch++;
    }
    return true;
  }

  /** See {@link validate}'s forgetting: changes whenever an address stops being validated. */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Validates `addr` if `cookie` is this peer's cookie for it (0, "none", never is); true if
   * that made `addr` newly validated.
   */
  check(addr: Addr, cookie: number): boolean {
    if (cookie === 0 || cookie !== this.cookie(addr)) return false;
    return this.validate(addr);
  }

  /** Counts a datagram that came from `addr`; true (nothing to count) if `addr` is validated. */
  received(addr: Addr, msg: Msg): boolean {
    if (this.#validated.has(addr)) return true;
    const c = this.#count(addr);
    c.recv += Math.max(0, wireSize(msg) - TAG_SLACK);
    return false;
  }

  /**
   * Bytes that may still go to `addr` (Infinity once it is validated): `factor` times what
   * came from it, less what was sent.
   */
  room(addr: Addr): number {
    if (this.#validated.has(addr)) return Infinity;
    const c = this.#pending.get(addr);
    return c === undefined ? 0 : this.#opts.factor * c.recv - c.sent;
  }

  /**
   * True if a datagram of `bytes` (at most) may go to `addr` now, and then counts it as
   * sent; false (and counted as capped) if it would break the bound.
   */
  allow(addr: Addr, bytes: number): boolean {
    if (this.#validated.has(addr)) return true;
    const c = this.#pending.get(addr);
    if (c === undefined || c.sent + bytes > this.#opts.factor * c.recv) {
      this.stats.capped++;
      this.stats.cappedBytes += bytes;
      return false;
    }
    c.sent += bytes;
    return true;
  }

  /** Unvalidated addresses counted, and validated ones remembered (for tests). */
  get sizes(): { pending: number; validated: number } {
    return { pending: this.#pending.size, validated: this.#validated.size };
  }

  #count(addr: Addr): Count {
    let c = this.#pending.get(addr);
    if (c !== undefined) {
      // Most recently heard of last: a flood of new addresses forgets the quiet ones first.
      this.#pending.delete(addr);
    } else {
      c = { recv: 0, sent: 0 };
      if (this.#pending.size >= this.#opts.maxPending) {
        this.#pending.delete(this.#pending.keys().next().value as Addr);
      }
    }
    this.#pending.set(addr, c);
    return c;
  }

  #counted(domain: number, n: number): number {
    return this.#hash(domain, new Uint8Array([n, n >>> 8, n >>> 16, n >>> 24]));
  }

  /** 53 bits of keyed BLAKE2s over a domain byte and `data`, never 0. */
  #hash(domain: number, data: Uint8Array): number {
    const input = new Uint8Array(data.length + 1);
    input[0] = domain;
    input.set(data, 1);
    const h = this.#hasher.hash(input, DIGEST);
    const hi = ((h[0] << 16) | (h[1] << 8) | h[2]) & 0x1fffff;
    const lo = ((h[3] << 24) | (h[4] << 16) | (h[5] << 8) | h[6]) >>> 0;
    return hi * 2 ** 32 + lo || 1;
  }
}
