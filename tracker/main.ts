/**
 * The tracker's entry for `deno serve` and Deno Deploy: a default export with `fetch`.
 * Settings come from the environment, since neither passes flags:
 *
 * - CLUBCAST_KV: a KV file path, ":memory:", or a denokv URL; unset opens `Deno.openKv()`,
 *   which on Deno Deploy is the platform's distributed KV.
 * - CLUBCAST_INTERVAL: heartbeat interval in seconds (default 15).
 * - CLUBCAST_RATE: requests per second per address (default 50; 0 = off).
 *
 *     deno serve -A --unstable-kv tracker/main.ts
 */
import { createApp } from "./app.ts";
import { openKv } from "./open_kv.ts";
import { randomRng } from "./random.ts";
import { KvStore } from "./store.ts";

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    // No --allow-env: run on defaults.
    return undefined;
  }
}

function intEnv(name: string, fallback: number, lo: number): number {
  const text = env(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < lo) {
    throw new RangeError(`${name} must be an integer >= ${lo}, got "${text}"`);
  }
  return n;
}

const rate = intEnv("CLUBCAST_RATE", 50, 0);
const app = createApp(new KvStore(await openKv(env("CLUBCAST_KV")), randomRng()), {
  interval: intEnv("CLUBCAST_INTERVAL", 15, 1),
  rateLimit: { rate, burst: Math.max(1, 2 * rate) },
});

/** The `deno serve` / Deno Deploy handler. */
export default {
  fetch(req: Request, info: Deno.ServeHandlerInfo): Response | Promise<Response> {
    const addr = info.remoteAddr;
    // A Unix socket has no client IP; name the transport rather than invent one.
    return app.fetch(req, { remoteAddr: "hostname" in addr ? addr.hostname : addr.transport });
  },
} satisfies Deno.ServeDefaultExport;
