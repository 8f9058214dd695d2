/**
 * The tracker as a Hono app, free of process concerns: it gets an open store and settings
 * and serves requests, so the same app runs under `deno serve`, on Deno Deploy, behind
 * tracker/cli.ts, and in tests through `app.request()`. The client's address comes from the
 * `remoteAddr` binding, which the server passes as `app.fetch(req, { remoteAddr })`; no
 * header is trusted for it.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { Rng } from "../lib/rand.ts";
import { handleAnnounce } from "./announce.ts";
import type { Deps, Reply } from "./deps.ts";
import { BAD_CHANNEL, refuse } from "./deps.ts";
import { isChannelId } from "../lib/channel/channel_id.ts";
import { Metrics } from "./metrics.ts";
import { renderHome } from "./page.ts";
import { randomRng } from "./random.ts";
import { rateKey } from "./client_key.ts";
import { RateLimiter, type RateLimitOptions } from "./rate_limit.ts";
import { handleRegister } from "./registration.ts";
import { type ChannelStats, channelStats } from "./stats.ts";
import type { KvStore } from "./store.ts";
import { SwarmCache } from "./swarm_cache.ts";

/** Tracker settings; every one has a default. */
export interface AppOptions {
  /** Heartbeat interval in seconds (default 15); a peer lives 3 intervals after announcing. */
  readonly interval?: number;
  /** Peers per announce reply (default 50). */
  readonly sample?: number;
  /** How long an instance answers from its view before re-reading KV, ms (default 1000). */
  readonly cacheMs?: number;
  /** Per-address limit (default 50/s, burst 100); rate 0 turns it off. */
  readonly rateLimit?: RateLimitOptions;
  /**
   * Most live peer entries one client address (an IPv6 /64) may hold in a channel; 0 for no
   * bound. Default 64, or no bound when `rateLimit.rate` is 0 (load tests from one machine).
   */
  readonly peersPerAddress?: number;
  /** A channel not refreshed for this long is forgotten, ms (default 24 h, minimum 10 min). */
  readonly channelTtlMs?: number;
  /** Largest request body, bytes (default 4096). */
  readonly maxBody?: number;
  /** Clock, unix ms (default Date.now). */
  readonly now?: () => number;
  /** Randomness for peer samples (default seeded from crypto). */
  readonly rng?: Rng;
  /** Channels listed on the home page (default 50). */
  readonly pageChannels?: number;
}

/** Hono environment: the server binds the client's address. */
export type TrackerEnv = { Bindings: { remoteAddr?: string } };

/** The client's address as the server saw it; IPv4-mapped IPv6 is shown as IPv4. */
function clientIp(c: Context<TrackerEnv>): string {
  const addr = c.env?.remoteAddr;
  if (typeof addr !== "string" || addr === "") {
    throw new Error("server did not bind remoteAddr: call app.fetch(req, { remoteAddr })");
  }
  return addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice(7) : addr;
}

function routeOf(path: string): string {
  if (path === "/" || path === "/healthz" || path === "/metrics") return path;
  if (/^\/c\/[^/]+$/.test(path)) return "/c/:channel";
  if (/^\/c\/[^/]+\/announce$/.test(path)) return "/c/:channel/announce";
  return "other";
}

function declareMetrics(m: Metrics, deps: () => Deps): void {
  m.counter("clubcast_tracker_http_requests_total", "HTTP requests by route and status.");
  m.counter("clubcast_tracker_announces_total", "Accepted announces by event.");
  m.counter("clubcast_tracker_registrations_total", "Channel registrations by result.");
  m.counter("clubcast_tracker_rate_limited_total", "Requests refused with 429.");
  m.gauge(
    "clubcast_tracker_cached_channels",
    "Channels in this instance's view.",
    () => deps().cache.size,
  );
  m.gauge(
    "clubcast_tracker_kv_refreshes_total",
    "Channel views re-read from KV.",
    () => deps().cache.refreshes,
    "counter",
  );
  m.gauge(
    "clubcast_tracker_peer_batches_total",
    "Group commits of peer writes.",
    () => deps().store.peerBatches,
    "counter",
  );
  m.gauge(
    "clubcast_tracker_deck_conflicts_total",
    "Club deck commits retried after a conflict.",
    () => deps().store.deckConflicts,
    "counter",
  );
}

/** Builds the tracker app over an open store. */
export function createApp(store: KvStore, options: AppOptions = {}): Hono<TrackerEnv> {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 1000;
  const channelTtlMs = options.channelTtlMs ?? 86_400_000;
  const interval = options.interval ?? 15;
  if (!Number.isInteger(interval) || interval < 1) throw new RangeError("interval must be >= 1 s");
  if (!(channelTtlMs >= 600_000)) throw new RangeError("channelTtlMs must be >= 10 minutes");
  const metrics = new Metrics();
  const rateLimit = options.rateLimit ?? { rate: 50, burst: 100 };
  const peersPerAddress = options.peersPerAddress ?? (rateLimit.rate === 0 ? 0 : 64);
  if (!Number.isInteger(peersPerAddress) || peersPerAddress < 0) {
    throw new RangeError("peersPerAddress must be an integer >= 0");
  }
  const deps: Deps = {
    store,
    cache: new SwarmCache(store, cacheMs, now),
    metrics,
    rng: options.rng ?? randomRng(),
    now,
    interval,
    sample: options.sample ?? 50,
    maxBody: options.maxBody ?? 4096,
    maxSkewMs: 300_000,
    channelTtlMs,
    peersPerAddress,
  };
  declareMetrics(metrics, () => deps);
  const limiter = new RateLimiter(rateLimit);
  const pageChannels = options.pageChannels ?? 50;
  let home: { at: number; list: ChannelStats[]; more: boolean } | null = null;

  const app = new Hono<TrackerEnv>();
  const send = (c: Context<TrackerEnv>, r: Reply) =>
    typeof r.body === "string"
      ? c.body(r.body, r.status, { "content-type": "application/json" })
      : c.json(r.body, r.status);

  app.use("*", async (c, next) => {
    const path = c.req.path;
    const limited = path !== "/healthz" && path !== "/metrics";
    if (limited && !limiter.take(rateKey(clientIp(c)), now())) {
      metrics.inc("clubcast_tracker_rate_limited_total");
      c.header("Retry-After", "1");
      c.res = c.json({ error: "rate limit: too many requests from this address" }, 429);
    } else {
      await next();
    }
    metrics.inc("clubcast_tracker_http_requests_total", {
      route: routeOf(path),
      status: String(c.res.status),
    });
  });

  app.get("/healthz", async (c) => {
    await store.kv.get(["healthz"]);
    return c.json({ ok: true });
  });
  app.get(
    "/metrics",
    (c) =>
      c.body(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }),
  );

  app.get("/", async (c) => {
    const t = now();
    if (home === null || t - home.at >= cacheMs) {
      const listed = await store.listChannels(pageChannels + 1);
      const list: ChannelStats[] = [];
      for (const { channel } of listed.slice(0, pageChannels)) {
        const view = await deps.cache.get(channel);
        if (view !== null) list.push(channelStats(channel, view, t));
      }
      list.sort((a, b) => b.peers - a.peers || a.channel.localeCompare(b.channel));
      home = { at: t, list, more: listed.length > pageChannels };
    }
    return c.html(renderHome(home.list, t, interval, home.more));
  });

  app.put(
    "/c/:channel",
    async (c) =>
      send(c, await handleRegister(deps, c.req.param("channel"), c.req.raw, clientIp(c))),
  );
  app.get("/c/:channel", async (c) => {
    const channel = c.req.param("channel");
    if (!isChannelId(channel)) return send(c, refuse(400, BAD_CHANNEL));
    const view = await deps.cache.get(channel);
    if (view === null) return send(c, refuse(404, `unknown channel ${channel}`));
    return c.json({ ...channelStats(channel, view, now()), interval });
  });
  app.post(
    "/c/:channel/announce",
    async (c) =>
      send(c, await handleAnnounce(deps, c.req.param("channel"), c.req.raw, clientIp(c))),
  );

  const notAllowed = (allow: string) => (c: Context<TrackerEnv>) => {
    c.header("Allow", allow);
    return c.json({ error: `method ${c.req.method} not allowed here; use ${allow}` }, 405);
  };
  app.all("/c/:channel", notAllowed("GET, PUT"));
  app.all("/c/:channel/announce", notAllowed("POST"));
  app.all("/", notAllowed("GET"));
  app.all("/healthz", notAllowed("GET"));
  app.all("/metrics", notAllowed("GET"));
  app.notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => {
    console.error(`tracker: ${c.req.method} ${c.req.path}:`, err);
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}
