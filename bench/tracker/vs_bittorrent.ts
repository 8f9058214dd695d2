/**
 * The tracker against webtorrent's bittorrent-tracker (npm), in one run on this machine:
 * both serve HTTP announces on 127.0.0.1, and autocannon (npm, under Node: load.mjs) joins
 * the same number of distinct peers to each, then announces them in turn over 64 keep-alive
 * connections for `--seconds`. Ours runs as `tracker/cli.ts` with `--kv :memory:` and with an
 * embedded KV file (`--rate 0`: no per-address limits, the load comes from one address);
 * theirs as bin/cmd.js would run it, HTTP only, under Node. The figures are announces per
 * second and p50/p99 latency, and the ratios ours / theirs. Targets run one after another,
 * `--rounds` times in turns (bittorrent-tracker, :memory:, file, ...), each ratio from the
 * medians.
 *
 *     deno run -A --unstable-kv bench/tracker/vs_bittorrent.ts [--seconds 10] [--rounds 1]
 */
import { benchArgs, benchNumbers, intRange } from "../lib/cli.ts";
import { encodeBody, registration } from "../../tracker/test_fixture.ts";
import { spawnTracker } from "../../tests/tracker_process.ts";
import { spawnChild } from "../lib/child.ts";
import { cpuSeconds } from "../lib/proc.ts";
import { median, ratio, round } from "../lib/stats.ts";

const USAGE = `deno run -A --unstable-kv bench/tracker/vs_bittorrent.ts [options]

Our tracker (:memory: and an embedded KV file) against bittorrent-tracker, same run.

  --seconds S       each load run's length (default 10)
  --peers N         distinct peers joined first (default 2000)
  --connections N   keep-alive connections (default 64)
  --rounds N        rounds, taken in turns (default 1)
  -h, --help        this help`;

const HERE = new URL(".", import.meta.url).pathname;

/** One load run's figures (load.mjs prints them). */
export interface LoadFigures {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

/** Options of {@link trackerVsBittorrent}. */
export interface VsOptions {
  readonly seconds: number;
  readonly peers: number;
  readonly connections: number;
  readonly rounds: number;
}

async function load(
  kind: string,
  url: string,
  o: VsOptions,
  pid: number,
): Promise<LoadFigures & { serverCpuPct: number | null; join: LoadFigures }> {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  const out = await new Deno.Command("node", {
    args: [
      `${HERE}load.mjs`,
      "--kind",
      kind,
      "--url",
      url,
      "--peers",
      String(o.peers),
      "--connections",
      String(o.connections),
      "--seconds",
      String(o.seconds),
    ],
    stderr: "inherit",
  }).output();
  const secs = (performance.now() - t0) / 1000;
  const c1 = cpuSeconds(pid);
  if (!out.success) throw new Error(`load.mjs failed for ${kind}`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const r = JSON.parse(lines[lines.length - 1]);
  return {
    ...r.announce,
    join: r.join,
    // Over the whole load run (joins included): the server's share of the machine.
    serverCpuPct: c0 === null || c1 === null ? null : round((c1 - c0) / secs * 100, 1),
  };
}

/** Starts our tracker with `kv` and registers a channel; returns its announce URL. */
async function ours(kv: string) {
  const t = await spawnTracker(["--kv", kv, "--rate", "0", "--interval", "60"]);
  const { channel, body } = registration(12, Date.now());
  const put = await fetch(`${t.url}/c/${channel}`, { method: "PUT", body: encodeBody(body) });
  await put.body?.cancel();
  if (put.status !== 201) throw new Error(`registration failed: ${put.status}`);
  return { url: `${t.url}/c/${channel}/announce`, pid: t.child.pid, stop: () => t.stop() };
}

/** Runs the comparison; every figure and both ratios. */
export async function trackerVsBittorrent(
  o: VsOptions,
  log: (s: string) => void = () => {},
): Promise<Record<string, unknown>> {
  const dir = await Deno.makeTempDir({ prefix: "tracker-vs-" });
  const bt = await spawnChild("node", [`${HERE}bt_server.mjs`]);
  const targets = [
    {
      name: "bittorrentTracker",
      kind: "bittorrent",
      start: async () => {
        const port = await bt.line("ready", 30_000);
        return { url: `http://127.0.0.1:${port}/announce`, pid: bt.pid, stop: async () => {} };
      },
    },
    { name: "memory", kind: "clubcast", start: () => ours(":memory:") },
    { name: "kv", kind: "clubcast", start: () => ours(`${dir}/bench.kv`) },
  ];
  const runs: Record<string, Awaited<ReturnType<typeof load>>[]> = {};
  try {
    const started = [];
    for (const t of targets) started.push({ ...t, ...(await t.start()) });
    for (let round = 0; round < o.rounds; round++) {
      for (const t of started) {
        const r = await load(t.kind, t.url, o, t.pid);
        (runs[t.name] ??= []).push(r);
        log(
          `tracker bench: ${t.name}: ${r.perSecond} announces/s, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms`,
        );
      }
    }
    for (const t of started) await t.stop();
  } finally {
    await bt.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  const med = (name: string, k: "perSecond" | "p50ms" | "p99ms") =>
    median(runs[name].map((r) => r[k]));
  const summary = (name: string) => ({
    announcesPerSecond: med(name, "perSecond"),
    p50ms: med(name, "p50ms"),
    p99ms: med(name, "p99ms"),
    runs: runs[name],
  });
  const bits = summary("bittorrentTracker"), mem = summary("memory"), kv = summary("kv");
  return {
    options: o,
    bittorrentTracker: bits,
    memory: mem,
    kv,
    memoryVsBittorrent: ratio(mem.announcesPerSecond, bits.announcesPerSecond),
    kvVsBittorrent: ratio(kv.announcesPerSecond, bits.announcesPerSecond),
    // Latency ratios the other way round: above 1 means ours answers faster.
    p50SpeedupMemory: ratio(bits.p50ms, mem.p50ms),
    p99SpeedupMemory: ratio(bits.p99ms, mem.p99ms),
    p50SpeedupKv: ratio(bits.p50ms, kv.p50ms),
    p99SpeedupKv: ratio(bits.p99ms, kv.p99ms),
  };
}

if (import.meta.main) {
  const v = benchArgs("vs_bittorrent", USAGE, Deno.args, {
    seconds: { type: "string", default: "10" },
    peers: { type: "string", default: "2000" },
    connections: { type: "string", default: "64" },
    rounds: { type: "string", default: "1" },
  });
  const n = benchNumbers("vs_bittorrent", v, {
    seconds: intRange(1),
    peers: intRange(1),
    connections: intRange(1, 10_000),
    rounds: intRange(1),
  });
  const r = await trackerVsBittorrent(n, (s) => console.error(s));
  console.log(JSON.stringify(r));
}
