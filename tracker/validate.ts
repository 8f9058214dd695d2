/**
 * Checks of request bodies. Every function takes untrusted JSON and returns either the typed
 * value or a message saying what is wrong; none throws.
 */
import { decodeBase64Url } from "../lib/channel/base64url.ts";
import { SIGNATURE_BYTES } from "../lib/channel/register.ts";

/** A checked value or what is wrong with it. */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/** Smallest and largest club count a channel may register. */
export const MIN_CLUBS = 2;
export const MAX_CLUBS = 256;

/** Announce events. */
export type AnnounceEvent = "join" | "heartbeat" | "leave";

/** A checked announce body. Club numbers are checked against the channel later. */
export interface Announce {
  readonly peer: string;
  readonly port: number;
  readonly event: AnnounceEvent;
  readonly clubs?: readonly number[];
}

/** A checked registration body (the signature is not yet verified). */
export interface RegisterBody {
  readonly clubs: number;
  readonly ts: number;
  readonly sig: string;
}

const PEER_ID = /^[A-Za-z0-9_-]{1,64}$/;

function fail<T>(error: string): Checked<T> {
  return { ok: false, error };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? `"${v.slice(0, 20)}${v.length > 20 ? "..." : ""}"` : typeof v;
}

/** Checks `{"peer", "port", "event", "clubs"?}`. */
export function checkAnnounce(body: unknown): Checked<Announce> {
  if (!isObject(body)) return fail(`body must be a JSON object, got ${describe(body)}`);
  const { peer, port, event, clubs } = body;
  if (typeof peer !== "string" || !PEER_ID.test(peer)) {
    return fail(`"peer" must be 1 to 64 characters of A-Z a-z 0-9 _ -, got ${describe(peer)}`);
  }
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    return fail(`"port" must be an integer UDP port 1..65535, got ${describe(port)}`);
  }
  if (event !== "join" && event !== "heartbeat" && event !== "leave") {
    return fail(`"event" must be "join", "heartbeat" or "leave", got ${describe(event)}`);
  }
  if (clubs === undefined) return { ok: true, value: { peer, port, event } };
  if (
    !Array.isArray(clubs) || !(clubs.length === 0 || clubs.length === 2) ||
    !clubs.every((c) => typeof c === "number" && Number.isInteger(c) && c >= 0) ||
    (clubs.length === 2 && clubs[0] === clubs[1])
  ) {
    return fail(`"clubs" must be [] (the source) or two distinct club numbers`);
  }
  return { ok: true, value: { peer, port, event, clubs: clubs as number[] } };
}

/** Checks `{"clubs", "ts", "sig"}` of a registration. */
export function checkRegister(body: unknown): Checked<RegisterBody> {
  if (!isObject(body)) return fail(`body must be a JSON object, got ${describe(body)}`);
  const { clubs, ts, sig } = body;
  if (
    typeof clubs !== "number" || !Number.isInteger(clubs) || clubs < MIN_CLUBS ||
    clubs > MAX_CLUBS
  ) {
    return fail(`"clubs" must be an integer ${MIN_CLUBS}..${MAX_CLUBS}, got ${describe(clubs)}`);
  }
  if (typeof ts !== "number" || !Number.isSafeInteger(ts) || ts < 0) {
    return fail(`"ts" must be a unix time in integer milliseconds, got ${describe(ts)}`);
  }
  if (typeof sig !== "string" || decodeBase64Url(sig)?.length !== SIGNATURE_BYTES) {
    return fail(`"sig" must be base64url (no padding) of a 64-byte ed25519 signature`);
  }
  return { ok: true, value: { clubs, ts, sig } };
}
