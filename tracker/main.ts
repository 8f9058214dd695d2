/**
 * The tracker's entry for `deno serve` and Deno Deploy: a default export with `fetch`.
 * Settings come from the environment, since neither passes flags, and are held to the
 * `tracker` flags' ranges (tracker/flags.ts, envConfig):
 *
 * - CLUBCAST_KV: a KV file path, ":memory:", or a denokv URL; unset opens `Deno.openKv()`,
 *   which on Deno Deploy is the platform's distributed KV.
 * - CLUBCAST_INTERVAL: heartbeat interval in seconds, 1 to 3600 (default 15).
 * - CLUBCAST_RATE: requests per second per address, 0 to 1000000 (default 50; 0 = off).
 *
 * A bad setting prints one line naming its variable and exits 1, before serving.
 *
 *     deno serve -A --unstable-kv tracker/main.ts
 */
import { createApp } from "./app.ts";
import { envConfig } from "./flags.ts";
import { openKvOrWhy } from "./open_kv.ts";
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

/** Says what is wrong on one line and ends the process: no stack for a setting. */
function refuse(message: string): never {
  console.error(`tracker: ${message}`);
  Deno.exit(1);
}

const config = envConfig(env);
if (typeof config === "string") refuse(config);
const kv = await openKvOrWhy(config.kv);
if (typeof kv === "string") refuse(`CLUBCAST_KV: ${kv}`);
const app = createApp(new KvStore(kv, randomRng()), {
  interval: config.interval,
  rateLimit: { rate: config.rate, burst: Math.max(1, 2 * config.rate) },
});

/** The `deno serve` / Deno Deploy handler. */
export default {
  fetch(req: Request, info: Deno.ServeHandlerInfo): Response | Promise<Response> {
    const addr = info.remoteAddr;
    // A Unix socket has no client IP; name the transport rather than invent one.
    return app.fetch(req, { remoteAddr: "hostname" in addr ? addr.hostname : addr.transport });
  },
} satisfies Deno.ServeDefaultExport;
