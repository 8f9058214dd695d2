/**
 * Everything a request handler needs, gathered once per app instance, and the shape of a
 * handler's answer (status and JSON body), which keeps handlers free of Hono.
 */
import type { Rng } from "../lib/rand.ts";
import type { Metrics } from "./metrics.ts";
import type { KvStore } from "./store.ts";
import type { SwarmCache } from "./swarm_cache.ts";

/** One tracker instance's state and settings. */
export interface Deps {
  readonly store: KvStore;
  readonly cache: SwarmCache;
  readonly metrics: Metrics;
  readonly rng: Rng;
  readonly now: () => number;
  /** Heartbeat interval, seconds; entries live 3 intervals. */
  readonly interval: number;
  /** Peers per reply. */
  readonly sample: number;
  /** Largest accepted body, bytes. */
  readonly maxBody: number;
  /** Largest accepted distance of a registration's ts from the tracker's clock, ms. */
  readonly maxSkewMs: number;
  /** A channel not refreshed for this long is forgotten, ms. */
  readonly channelTtlMs: number;
  /** Most live entries one client address (IPv6: /64) may have in a channel; 0: no bound. */
  readonly peersPerAddress: number;
}

/** A handler's answer: a JSON value, or JSON text already built. */
export interface Reply {
  readonly status: 200 | 201 | 400 | 403 | 404 | 409 | 413;
  readonly body: Readonly<Record<string, unknown>> | string;
}

/** An error answer. */
export function refuse(status: Reply["status"], error: string): Reply {
  return { status, body: { error } };
}

/** The error for a malformed channel id in the path. */
export const BAD_CHANNEL =
  "bad channel: expected the 43-character base64url (no padding) of a 32-byte ed25519 public key";
