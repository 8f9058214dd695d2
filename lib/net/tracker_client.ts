/**
 * The HTTP client of the tracker API (docs/tracker-api.md): the source's signed channel
 * registration and everyone's announces. Replies are remote input: they are checked field
 * by field and a bad one is an error value, never a throw.
 */
import { signRegistration } from "../channel/register.ts";
import type { Addr } from "../wire/messages.ts";
import { formatAddr } from "./addr.ts";

/** A peer listed by the tracker, as the core takes it. */
export interface ListedPeer {
  readonly addr: Addr;
  readonly clubs: readonly number[];
}

/** A checked announce reply. */
export interface AnnounceReply {
  /** The channel's club count. */
  readonly clubs: number;
  /** The clubs dealt to a join. */
  readonly recommend?: readonly [number, number];
  readonly peers: readonly ListedPeer[];
  /** Heartbeat interval, seconds. */
  readonly interval: number;
  /** The address the tracker saw this request come from. */
  readonly youIp?: string;
}

/** A checked registration reply. */
export interface RegisterReply {
  readonly created: boolean;
  readonly clubs: number;
  readonly interval: number;
}

/** An answer, or why there is none (`status` 0: no HTTP answer at all). */
export type TrackerResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly status: number; readonly error: string };

/** What an announce says. */
export interface Announce {
  readonly peer: string;
  readonly port: number;
  readonly event: "join" | "heartbeat" | "leave";
  readonly clubs?: readonly number[];
}

type RawResult =
  | { readonly ok: true; readonly status: number; readonly value: unknown }
  | { readonly ok: false; readonly status: number; readonly error: string };

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

/** Talks to one channel on one tracker. */
export class TrackerClient {
  readonly base: string;
  readonly channel: string;
  readonly #fetch: FetchFn;
  readonly #timeoutMs: number;

  /** A client of `base` (no trailing slash) for `channel`. */
  constructor(base: string, channel: string, fetchFn: FetchFn = fetch, timeoutMs = 5000) {
    this.base = base.replace(/\/+$/, "");
    this.channel = channel;
    this.#fetch = fetchFn;
    this.#timeoutMs = timeoutMs;
  }

  /** The announce URL peers are given. */
  get announceUrl(): string {
    return `${this.base}/c/${this.channel}`;
  }

  /** Registers (or refreshes) the channel, signed with its secret key. */
  async register(
    secretKey: Uint8Array,
    clubs: number,
    ts: number,
  ): Promise<TrackerResult<RegisterReply>> {
    const { channel, body } = signRegistration(secretKey, clubs, ts);
    if (channel !== this.channel) throw new TypeError("the key does not match the channel");
    const r = await this.#call("PUT", this.announceUrl, body);
    if (!r.ok) return r;
    const v = r.value as Record<string, unknown>;
    if (!isInt(v.clubs) || !isInt(v.interval) || v.interval < 1) {
      return { ok: false, status: r.status, error: "malformed registration reply" };
    }
    return { ok: true, value: { created: r.status === 201, clubs: v.clubs, interval: v.interval } };
  }

  /** Joins, heartbeats or leaves. */
  async announce(a: Announce): Promise<TrackerResult<AnnounceReply>> {
    const r = await this.#call("POST", `${this.announceUrl}/announce`, a);
    if (!r.ok) return r;
    const reply = checkAnnounceReply(r.value);
    return reply === undefined
      ? { ok: false, status: r.status, error: "malformed announce reply" }
      : { ok: true, value: reply };
  }

  async #call(method: string, url: string, body: unknown): Promise<RawResult> {
    let res: Response;
    try {
      res = await this.#fetch(url, {
        method,
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      return { ok: false, status: 0, error: `tracker unreachable: ${errorText(e)}` };
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      return { ok: false, status: res.status, error: `HTTP ${res.status} without a JSON body` };
    }
    if (!res.ok) {
      const why = (json as { error?: unknown })?.error;
      return { ok: false, status: res.status, error: typeof why === "string" ? why : "refused" };
    }
    if (typeof json !== "object" || json === null) {
      return { ok: false, status: res.status, error: "reply is not a JSON object" };
    }
    return { ok: true, value: json, status: res.status };
  }
}

/** Checks an announce reply; undefined when malformed. Bad peer entries are skipped. */
export function checkAnnounceReply(v: unknown): AnnounceReply | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (!isInt(o.clubs) || o.clubs < 2 || !isInt(o.interval) || o.interval < 1) return undefined;
  if (!Array.isArray(o.peers)) return undefined;
  const clubs = o.clubs;
  const club = (c: unknown) => isInt(c) && c >= 0 && c < clubs;
  let recommend: [number, number] | undefined;
  // A join that named its clubs gets them echoed: `[]` for the source.
  if (o.recommend !== undefined && !(Array.isArray(o.recommend) && o.recommend.length === 0)) {
    const r = o.recommend;
    if (!Array.isArray(r) || r.length !== 2 || !r.every(club) || r[0] === r[1]) return undefined;
    recommend = [r[0], r[1]];
  }
  const peers: ListedPeer[] = [];
  for (const p of o.peers as unknown[]) {
    const e = p as Record<string, unknown>;
    if (typeof e !== "object" || e === null || typeof e.ip !== "string") continue;
    if (!isInt(e.port) || e.port < 1 || e.port > 65535) continue;
    if (!Array.isArray(e.clubs) || !e.clubs.every(club)) continue;
    peers.push({ addr: formatAddr(e.ip, e.port), clubs: e.clubs as number[] });
  }
  const you = o.you as { ip?: unknown } | undefined;
  const youIp = typeof you?.ip === "string" && you.ip !== "" ? you.ip : undefined;
  return { clubs, recommend, peers, interval: o.interval, youIp };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
