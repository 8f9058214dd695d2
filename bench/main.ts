/**
 * `deno task bench`: every benchmark of issue 7 in one run, each figure a ratio measured in
 * that run. Progress goes to stderr; with `--json` the last stdout line is one JSON object
 * with relayVsEcho {deno, bun}, peerCpuPercent4Mbps, peerRssGrowthMiB,
 * trackerVsBittorrentTrackerMemory, trackerVsBittorrentTrackerKv, firstByteMs, the raw
 * figures behind each and which of the issue's bars they meet; and issue 6's junk flood
 * (floodDeliveredFraction, floodRelayedVsCalm, floodRssGrowthMiB: bench/flood/).
 *
 *     deno task bench [--json] [--minutes 1] [--flood-seconds 15]
 *       [--only crypto,relay,tracker,peer,startup,flood]
 */
import { benchArgs, benchNumbers, intRange, numberRange, refuse } from "./lib/cli.ts";
import { cryptoMicro } from "./relay/crypto_micro.ts";
import { relayBench } from "./relay/relay_bench.ts";
import { trackerVsBittorrent } from "./tracker/vs_bittorrent.ts";
import { peerCpu } from "./swarm/peer_cpu.ts";
import { startup } from "./swarm/startup.ts";
import { floodBench } from "./flood/flood_bench.ts";
import { machineInfo } from "./lib/proc.ts";
import { meets, ratio } from "./lib/stats.ts";
import { ffiSocketPlatform } from "../lib/net/libc.ts";
import { linuxUdpAvailable } from "../lib/net/linux_udp.ts";

/** The bars. */
export const BARS = {
  relayVsEcho: 0.7,
  peerCpuPercent: 3,
  /** "Flat": RSS at the end at most this much above RSS after the warm-up. */
  rssGrowthMiB: 5,
  trackerMemory: 2,
  trackerKv: 1,
} as const;

async function version(cmd: string, args: string[]): Promise<string | null> {
  try {
    const o = await new Deno.Command(cmd, { args, stderr: "null" }).output();
    return new TextDecoder().decode(o.stdout).trim().split("\n")[0];
  } catch {
    return null;
  }
}

/** Runs a bench file under Bun (or Deno: `deno run -A`); its last stdout line as JSON. */
async function runJson(runtime: "bun" | "deno", path: string, args: string[] = []) {
  const file = new URL(path, import.meta.url).pathname;
  const cmd = runtime === "bun"
    ? new Deno.Command("bun", { args: ["run", file, ...args], stderr: "inherit" })
    : new Deno.Command(Deno.execPath(), { args: ["run", "-A", file, ...args], stderr: "inherit" });
  const o = await cmd.output();
  if (!o.success) return null;
  return JSON.parse(new TextDecoder().decode(o.stdout).trim().split("\n").at(-1)!);
}

const USAGE = `deno task bench [options]

Issue 7's benchmarks, each figure a ratio measured in this run (bench/README.md). Progress
goes to stderr; with --json the last stdout line is one JSON object.

  --json                  print one JSON object as the last line
  --minutes M             the playing peer measured for M minutes after its warm-up (default 1)
  --only LIST             parts, comma-separated (default crypto,relay,tracker,peer,startup,flood)
  --flood-seconds S       the junk flood's length (default 15)
  --tracker-seconds S     each tracker load run's length (default 10)
  --tracker-rounds N      tracker rounds, taken in turns (default 2)
  --startup-trials N      fresh peers timed to their first byte (default 5)
  -h, --help              this help`;
const PARTS = ["crypto", "relay", "tracker", "peer", "startup", "flood"];

const v = benchArgs("bench", USAGE, Deno.args, {
  json: { type: "boolean", default: false },
  minutes: { type: "string", default: "1" },
  only: { type: "string", default: PARTS.join(",") },
  "flood-seconds": { type: "string", default: "15" },
  "tracker-seconds": { type: "string", default: "10" },
  "tracker-rounds": { type: "string", default: "2" },
  "startup-trials": { type: "string", default: "5" },
});
const only = new Set(v.only.split(","));
const unknown = [...only].filter((p) => !PARTS.includes(p));
if (unknown.length > 0) {
  refuse("bench", `--only: no part ${unknown.join(", ")} (parts: ${PARTS.join(", ")})`);
}
const n = benchNumbers("bench", v, {
  minutes: numberRange(0.01),
  "flood-seconds": intRange(1),
  "tracker-seconds": intRange(1),
  "tracker-rounds": intRange(1),
  "startup-trials": intRange(1),
});
const minutes = n.minutes;
const log = (s: string) => console.error(s);
const out: Record<string, unknown> = {
  command: `deno task bench ${Deno.args.join(" ")}`.trim(),
  startedAt: new Date().toISOString(),
  machine: machineInfo(),
  runtimes: {
    deno: Deno.version.deno,
    bun: await version("bun", ["--version"]),
    node: await version("node", ["--version"]),
  },
  shared: "the machine is shared with other work; see machine.load and loadAtEnd",
};

if (only.has("crypto")) {
  log("crypto micro-benchmark (deno, bun)...");
  out.crypto = { deno: await cryptoMicro(), bun: await runJson("bun", "./relay/crypto_micro.ts") };
}
if (only.has("relay")) {
  // On Linux the programs use the FFI socket, under Deno where FFI is granted and under Bun
  // (lib/net/udp.ts): the relay is measured on it and on the runtime's own socket; the limit
  // stays the bare echo loop on the runtime's own socket (deno_udp; node_udp under Bun), as
  // the issue defines it, and the FFI socket's echo is measured too.
  const ffi = linuxUdpAvailable();
  const bunFfi = ffiSocketPlatform(Deno.build.os, Deno.build.arch);
  log(
    `relay vs echo (deno_udp,${ffi ? " linux_udp (FFI)," : ""} node_udp under bun,${
      bunFfi ? " linux_udp (FFI) under bun," : ""
    } bun_udp)...`,
  );
  const r = await relayBench(
    ["deno", ...(ffi ? ["ffi"] : []), "node", ...(bunFfi ? ["bunffi"] : []), "bun"],
    [],
    log,
  ) as Record<
    string,
    { relayVsEcho: number | null; relayPps: number; echoPps: number }
  >;
  out.relay = r;
  const programs = ffi ? r.ffi : r.deno;
  const bunPrograms = bunFfi ? r.bunffi : r.node;
  out.relayVsEcho = {
    deno: ratio(programs.relayPps, r.deno.echoPps),
    bun: ratio(bunPrograms.relayPps, r.node.echoPps),
  };
  out.relayVsEchoDeno = {
    // the programs' socket's relay / the deno_udp echo: relayVsEcho.deno
    programs: ffi ? "linux_udp" : "deno_udp",
    denoUdp: r.deno.relayVsEcho,
    ffi: ffi ? r.ffi.relayVsEcho : null,
    ffiEchoVsDenoEcho: ffi ? ratio(r.ffi.echoPps, r.deno.echoPps) : null,
  };
  out.relayVsEchoBun = {
    // the programs' socket's relay / the node_udp echo: relayVsEcho.bun
    programs: bunFfi ? "linux_udp" : "node_udp",
    nodeUdp: r.node.relayVsEcho,
    ffi: bunFfi ? r.bunffi.relayVsEcho : null,
    ffiEchoVsNodeEcho: bunFfi ? ratio(r.bunffi.echoPps, r.node.echoPps) : null,
  };
  out.relayVsEchoBunUdp = r.bun.relayVsEcho;
  const nl = r as unknown as Record<string, { relayVsEchoPerCpu: number | null }>;
  // The peer's own work per relayed block, without sockets (relay/inproc.ts), in a
  // process of its own per runtime.
  log("relay in process (deno, bun)...");
  const inproc = {
    deno: await runJson("deno", "./relay/inproc.ts", ["--json"]),
    bun: await runJson("bun", "./relay/inproc.ts", ["--json"]),
  };
  out.relayInprocess = inproc;
  out.relayInprocessCpuUsPerDatagram = {
    deno: inproc.deno?.cpuUsPerDatagram ?? null,
    bun: inproc.bun?.cpuUsPerDatagram ?? null,
  };
  // Under Deno only (V8's count): the garbage per block, for the collector on the relay's core.
  out.relayInprocessHeapBytesPerDatagram = inproc.deno?.heapBytesPerDatagram ?? null;
  out.relayVsEchoPerCpu = {
    deno: nl.deno.relayVsEchoPerCpu,
    ffi: nl.ffi?.relayVsEchoPerCpu ?? null,
    bun: nl.node.relayVsEchoPerCpu,
    bunFfi: nl.bunffi?.relayVsEchoPerCpu ?? null,
    bunUdp: nl.bun.relayVsEchoPerCpu,
  };
}
if (only.has("tracker")) {
  log("tracker vs bittorrent-tracker (autocannon)...");
  const t = await trackerVsBittorrent({
    seconds: n["tracker-seconds"],
    peers: 2000,
    connections: 64,
    rounds: n["tracker-rounds"],
  }, log);
  out.tracker = t;
  out.trackerVsBittorrentTrackerMemory = t.memoryVsBittorrent;
  out.trackerVsBittorrentTrackerKv = t.kvVsBittorrent;
}
if (only.has("peer")) {
  // A minute's warm-up before the `--minutes` measured: V8 compiles the peer's hot code for its
  // first 40-60 s, at 3-4.7 % of a core (reported as `warmupCpuPercent`), and what a viewer's
  // machine carries for a stream is the peer once compiled (bench/README.md, "Session 20").
  const warmupSeconds = 60;
  const seconds = warmupSeconds + Math.round(minutes * 60);
  const o = {
    seconds,
    warmupSeconds,
    kbps: 4000,
    clubs: 4,
    peers: 5,
  };
  log(`peer CPU and memory at 4 Mbit/s for ${seconds} s...`);
  const p = await peerCpu(o, log);
  out.peer = p;
  out.peerCpuPercent4Mbps = p.cpuPercent;
  out.peerRssGrowthMiB = p.rssGrowthMiB;
  if (linuxUdpAvailable()) {
    // The same peer on Deno.listenDatagram (CLUBCAST_UDP=deno), for comparison.
    log(`peer CPU at 4 Mbit/s on deno_udp for ${seconds} s...`);
    const d = await peerCpu({ ...o, udp: "deno" }, log);
    out.peerDenoUdp = d;
    out.peerCpuPercent4MbpsDenoUdp = d.cpuPercent;
  }
}
if (only.has("startup")) {
  log("startup: first byte...");
  const s = await startup(
    { trials: n["startup-trials"], kbps: 4000, clubs: 4, peers: 3 },
    undefined,
    log,
  );
  out.startup = s;
  out.firstByteMs = s.medianMs;
}
if (only.has("flood")) {
  const seconds = n["flood-seconds"];
  log(`flood: a relaying peer sent 20,000 junk datagrams/s for ${seconds} s...`);
  const f = await floodBench({
    seconds,
    rate: 20_000,
    sources: 200,
    warmupSeconds: 15,
    calmSeconds: 10,
    sampleSeconds: seconds > 120 ? 30 : 1,
    kbps: 2000,
    clubs: 4,
    peers: 4,
  }, log);
  out.flood = f;
  out.floodDeliveredFraction = f.deliveredFraction;
  out.floodRelayedVsCalm = f.relayedVsCalm;
  out.floodRssGrowthMiB = f.rssGrowthMiB;
}
out.loadAtEnd = machineInfo().load;
const rve = out.relayVsEcho as { deno: number | null; bun: number | null } | undefined;
out.bars = {
  relayVsEchoDeno: rve ? meets(rve.deno, BARS.relayVsEcho) : null,
  relayVsEchoBun: rve ? meets(rve.bun, BARS.relayVsEcho) : null,
  peerCpu: "peerCpuPercent4Mbps" in out
    ? meets(out.peerCpuPercent4Mbps as number, BARS.peerCpuPercent, true)
    : null,
  flatMemory: "peerRssGrowthMiB" in out
    ? meets(out.peerRssGrowthMiB as number, BARS.rssGrowthMiB, true)
    : null,
  trackerMemory: "trackerVsBittorrentTrackerMemory" in out
    ? meets(out.trackerVsBittorrentTrackerMemory as number | null, BARS.trackerMemory)
    : null,
  trackerKv: "trackerVsBittorrentTrackerKv" in out
    ? meets(out.trackerVsBittorrentTrackerKv as number | null, BARS.trackerKv)
    : null,
};
if (!v.json) {
  for (
    const k of [
      "relayVsEcho",
      "relayVsEchoDeno",
      "relayVsEchoBunUdp",
      "relayVsEchoPerCpu",
      "relayInprocessCpuUsPerDatagram",
      "relayInprocessHeapBytesPerDatagram",
      "peerCpuPercent4Mbps",
      "peerCpuPercent4MbpsDenoUdp",
      "peerRssGrowthMiB",
      "trackerVsBittorrentTrackerMemory",
      "trackerVsBittorrentTrackerKv",
      "firstByteMs",
      "floodDeliveredFraction",
      "floodRelayedVsCalm",
      "floodRssGrowthMiB",
      "bars",
    ]
  ) if (k in out) console.log(`${k}: ${JSON.stringify(out[k])}`);
}
console.log(JSON.stringify(out));
