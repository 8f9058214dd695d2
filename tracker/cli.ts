/**
 * The `tracker` program: parses flags, opens Deno KV, and serves the app with Deno.serve,
 * binding each request's remote address. Stops cleanly on SIGINT/SIGTERM.
 *
 *     deno run -A --unstable-kv tracker/cli.ts --port 8000 --kv clubcast-tracker.kv
 */
import { createApp } from "./app.ts";
import { HELP, parseFlags } from "./flags.ts";
import { kvKind, openKvOrWhy } from "./open_kv.ts";
import { randomRng } from "./random.ts";
import { KvStore } from "./store.ts";

/** Runs the tracker with these arguments; resolves with the exit code once it stops. */
export async function main(args: readonly string[]): Promise<number> {
  const flags = parseFlags(args);
  if (flags.kind === "help") {
    console.log(HELP);
    return 0;
  }
  if (flags.kind === "error") {
    console.error(`tracker: ${flags.message}`);
    return 2;
  }
  const { config } = flags;
  const kv = await openKvOrWhy(config.kv);
  if (typeof kv === "string") {
    console.error(`tracker: ${kv}`);
    return 1;
  }
  const app = createApp(new KvStore(kv, randomRng()), {
    interval: config.interval,
    rateLimit: { rate: config.rate, burst: Math.max(1, 2 * config.rate) },
  });
  const ac = new AbortController();
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      port: config.port,
      hostname: config.hostname,
      signal: ac.signal,
      onListen: ({ hostname, port }) => {
        console.log(
          `clubcast tracker listening on http://${hostname}:${port}/ ` +
            `(kv: ${kvKind(config.kv)} ${config.kv}, interval ${config.interval} s)`,
        );
      },
    }, (req, info) => app.fetch(req, { remoteAddr: info.remoteAddr.hostname }));
  } catch (err) {
    kv.close();
    console.error(
      `tracker: cannot listen on ${config.hostname}:${config.port}: ${
        err instanceof Error ? err.message : err
      }`,
    );
    return 1;
  }
  const stop = () => ac.abort();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  kv.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
