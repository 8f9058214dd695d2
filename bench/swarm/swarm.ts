/**
 * A real swarm on loopback for the peer benchmarks: the tracker (`tracker/cli.ts`, KV in
 * memory), a source (`source/main.ts`) fed a synthetic MPEG-TS stream (ts_feed.ts) at a
 * given bitrate through its stdin, and background peers (`peer/main.ts`, output to
 * /dev/null). Every program runs as its own process, as `deno task` would start it.
 */
import { spawnTracker, type TrackerProcess } from "../../tests/tracker_process.ts";
import { packetsDue, TsFeed } from "./ts_feed.ts";
import { PEER_V8_FLAGS } from "../../peer/v8_flags.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** How to start a program under Deno: the args of `deno task peer` / `deno task source`. */
export function programArgs(program: "peer" | "source", args: readonly string[]): string[] {
  const v8 = program === "peer" ? [PEER_V8_FLAGS] : [];
  return ["run", "-A", "--unstable-net", ...v8, `${ROOT}${program}/main.ts`, ...args];
}

/** A running swarm. */
export interface Swarm {
  readonly tracker: TrackerProcess;
  readonly announceUrl: string;
  readonly source: Deno.ChildProcess;
  readonly peers: Deno.ChildProcess[];
  /** Starts one more background peer. */
  addPeer(): Deno.ChildProcess;
  stop(): Promise<void>;
}

/** Options of {@link startSwarm}. */
export interface SwarmOptions {
  readonly bps: number;
  readonly clubs: number;
  readonly peers: number;
}

/** Starts tracker, source (streaming) and `peers` background peers. */
export async function startSwarm(o: SwarmOptions): Promise<Swarm> {
  const dir = await Deno.makeTempDir({ prefix: "bench-swarm-" });
  const tracker = await spawnTracker(["--kv", ":memory:", "--rate", "0", "--interval", "5"]);
  const key = `${dir}/source.key`;
  const kg = await new Deno.Command(Deno.execPath(), {
    args: programArgs("source", ["keygen", "--out", key]),
    stdout: "null",
    stderr: "null",
  }).output();
  if (!kg.success) throw new Error("source keygen failed");
  const source = new Deno.Command(Deno.execPath(), {
    args: programArgs("source", [
      "--tracker",
      tracker.url,
      "--key",
      key,
      "--clubs",
      String(o.clubs),
    ]),
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = source.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the source ended before printing its announce URL");
    seen += value;
  }
  const announceUrl = seen.split("\n")[0].trim();
  void (async () => {
    while (!(await reader.read().catch(() => ({ done: true }))).done);
  })();
  // Paced input: every 20 ms what the bitrate says is due, an entry point every second.
  const feed = new TsFeed(Math.max(2, Math.round(o.bps / 8 / 188)));
  const writer = source.stdin.getWriter();
  const t0 = performance.now();
  let sent = 0, feeding = true;
  const pump = (async () => {
    while (feeding) {
      const n = packetsDue(o.bps, performance.now() - t0, sent);
      if (n > 0) {
        sent += n;
        await writer.write(feed.packets(n)).catch(() => (feeding = false));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const peers: Deno.ChildProcess[] = [];
  const addPeer = () => {
    const p = new Deno.Command(Deno.execPath(), {
      args: programArgs("peer", [announceUrl]),
      stdout: "null",
      stderr: "null",
    }).spawn();
    peers.push(p);
    return p;
  };
  for (let i = 0; i < o.peers; i++) addPeer();
  return {
    tracker,
    announceUrl,
    source,
    peers,
    addPeer,
    async stop() {
      for (const p of peers) {
        try {
          p.kill("SIGTERM");
        } catch { /* gone */ }
      }
      await Promise.all(peers.map((p) => p.status));
      feeding = false;
      await pump;
      await writer.close().catch(() => {});
      try {
        source.kill("SIGTERM");
      } catch { /* gone */ }
      await source.status;
      await tracker.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
