/**
 * One end-to-end run: a tracker, a source fed a 2 Mbit/s H.264/AAC MPEG-TS stream, and N
 * peers joining while it streams; some peers are killed mid-stream. Returns what every peer
 * did, checked against the source's input. Used by e2e_stream_test.ts; run it alone with
 * `deno run -A --unstable-kv --unstable-net tests/e2e_scenario.ts [loss] [bin-dir] [clubs]` to
 * print a report (bin-dir: a folder with compiled `peer` and `source`, which every node then
 * runs).
 */
import { concatBytes } from "../lib/bytes.ts";
import { spawnTracker } from "./tracker_process.ts";
import {
  denoCommand,
  ffprobeErrors,
  firstDifference,
  leavingCounts,
  makeSourceKey,
  makeTestStream,
  matchPackets,
  offsetIn,
  oneSwarmAtATime,
  type PacketMatch,
  type PeerProc,
  startPeer,
  startSource,
  wholeGops,
} from "./e2e_process.ts";
import { sleepUntil, withoutNulls } from "./e2e_timed.ts";

/** How a run goes. */
export interface ScenarioOptions {
  /** Work folder (stream file, key, probe files). */
  readonly dir: string;
  /** The input stream file (made with makeTestStream). */
  readonly stream: Uint8Array;
  readonly peers: number;
  /** Peers (the first ones) that run as compiled binaries: their command, or none. */
  readonly binaries?: { readonly peer: string; readonly source?: string; readonly count: number };
  /** Emulated loss on every node's outgoing datagrams, 0..1. */
  readonly loss: number;
  /** The channel's club count (default: the source's default, 12). */
  readonly clubs?: number;
  /** When peers start, ms after the source began streaming, and the gap between them. */
  readonly joinAtMs: number;
  readonly joinGapMs: number;
  /** How many peers to SIGKILL, and when (ms after the stream began). */
  readonly kill: number;
  readonly killAtMs: number;
  /** When the other peers are stopped (SIGTERM), ms after the stream began. */
  readonly stopAtMs: number;
}

/** What one peer did. */
export interface PeerResult {
  readonly name: string;
  readonly binary: boolean;
  readonly killed: boolean;
  readonly bytes: number;
  /** ms from spawn to the first byte on stdout, measured by the test. */
  readonly firstByteMs: number | undefined;
  /** Its output, packet by packet, against the input. */
  readonly packets: PacketMatch;
  /** Where its output starts in the input (-1: not found). */
  readonly offset: number;
  /** First byte of its output that differs from the input (-1: identical). */
  readonly difference: number;
  /** Blocks it reported skipped after its first byte (undefined: killed, no report). */
  readonly skipped: number | undefined;
  readonly played: number | undefined;
  /** ffprobe complaints on its output's whole GOPs. */
  readonly probeErrors: string[];
  readonly probedBytes: number;
  readonly exitCode: number;
  /** How it ended: "killed", "SIGTERM", or "EPIPE" (its reader went away). */
  readonly ending: string;
  /** Its own first-byte time (from --stats json), and its worst event-loop lateness. */
  readonly selfFirstByteMs: number | undefined;
  readonly maxLateMs: number;
  readonly stderrTail: string[];
  /** MIMALLOC_PURGE_DELAY in its environment while it ran (Linux; null: unset or unreadable). */
  readonly purgeDelay: string | null;
}

/** What a run showed. */
export interface ScenarioResult {
  readonly peers: PeerResult[];
  readonly sourceLog: string[];
  readonly sourceExit: number;
  /** Peers the tracker still listed after the survivors left (the killed ones never did). */
  readonly listedAfterLeave: number;
}

/** MIMALLOC_PURGE_DELAY as process `pid` runs now (/proc/<pid>/environ), or null. */
function purgeDelayOf(pid: number): string | null {
  try {
    const environ = new TextDecoder().decode(Deno.readFileSync(`/proc/${pid}/environ`));
    const entry = environ.split("\0").find((e) => e.startsWith("MIMALLOC_PURGE_DELAY="));
    return entry === undefined ? null : entry.slice(entry.indexOf("=") + 1);
  } catch {
    return null;
  }
}

/** Runs the scenario (one swarm on the machine at a time). */
export function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  return oneSwarmAtATime(() => scenario(o));
}

async function scenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const tracker = await spawnTracker(["--kv", ":memory:", "--interval", "2", "--rate", "0"]);
  const impair = o.loss > 0 ? ["--impair", `loss=${o.loss}`] : [];
  const keyPath = await makeSourceKey(o.dir);
  const sourceCmd = o.binaries?.source ? [o.binaries.source] : denoCommand("source");
  const clubs = o.clubs === undefined ? [] : ["--clubs", String(o.clubs)];
  const source = await startSource(sourceCmd, tracker.url, keyPath, [...impair, ...clubs]);
  const t0 = performance.now();
  const feeding = source.feed(o.stream, 2_000_000);

  const peers: PeerProc[] = [];
  const binary = new Set<string>();
  const killed = new Set<string>();
  const exits = new Map<string, number>();
  for (let i = 0; i < o.peers; i++) {
    await sleepUntil(t0, o.joinAtMs + i * o.joinGapMs);
    const name = `peer${i + 1}`;
    const useBinary = o.binaries !== undefined && i < o.binaries.count;
    if (useBinary) binary.add(name);
    const cmd = useBinary ? [o.binaries!.peer] : denoCommand("peer");
    peers.push(startPeer(cmd, name, source.url, impair));
  }
  await sleepUntil(t0, o.killAtMs);
  // Kill the last ones (Deno peers): abruptly, no "leave".
  for (const p of peers.slice(peers.length - o.kill)) {
    killed.add(p.name);
    exits.set(p.name, await p.stop("SIGKILL"));
  }
  await sleepUntil(t0, o.stopAtMs);
  const purgeDelays = new Map(peers.map((p) => [p.name, purgeDelayOf(p.child.pid)]));
  // One survivor's player quits (its stdout closes); the others get SIGTERM.
  const ending = new Map<string, string>();
  for (const p of peers) {
    if (killed.has(p.name)) {
      ending.set(p.name, "killed");
      continue;
    }
    const epipe = ending.size === 0 || ![...ending.values()].includes("EPIPE");
    ending.set(p.name, epipe ? "EPIPE" : "SIGTERM");
    exits.set(p.name, epipe ? await p.closeStdout() : await p.stop("SIGTERM"));
  }
  const channel = source.url.split("/c/")[1];
  let listed = -1;
  try {
    listed = (await (await fetch(`${tracker.url}/c/${channel}`)).json()).peers;
  } catch { /* reported as -1 */ }
  await feeding.catch(() => {});
  const sourceExit = await source.wait(10_000);
  await tracker.stop();

  const logDir = Deno.env.get("CLUBCAST_E2E_LOGDIR");
  if (logDir) await saveLogs(logDir, peers, source.stderr);
  const input = withoutNulls(o.stream);
  const results: PeerResult[] = [];
  for (const p of peers) {
    const out = concatBytes(p.chunks);
    const offset = out.length ? offsetIn(o.stream, out) : -1;
    const difference = offset >= 0 ? firstDifference(o.stream, offset, out) : 0;
    const gops = wholeGops(out);
    const counts = leavingCounts(p.stderr);
    const statLines = p.stderr.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    results.push({
      name: p.name,
      binary: binary.has(p.name),
      killed: killed.has(p.name),
      bytes: out.length,
      firstByteMs: p.firstByteMs,
      // Null packets left out on both sides: a peer writes one a second while stalled.
      packets: matchPackets(input, withoutNulls(out)),
      offset,
      difference,
      skipped: counts?.skipped,
      played: counts?.played,
      probeErrors: gops.length ? await ffprobeErrors(gops, o.dir) : ["nothing to probe"],
      probedBytes: gops.length,
      exitCode: exits.get(p.name) ?? -1,
      ending: ending.get(p.name) ?? "?",
      selfFirstByteMs: statLines.findLast((s) => s.firstByteMs !== null)?.firstByteMs ?? undefined,
      maxLateMs: Math.max(0, ...statLines.slice(1).map((s) => s.lateMs as number)),
      stderrTail: p.stderr.slice(-4),
      purgeDelay: purgeDelays.get(p.name) ?? null,
    });
  }
  return {
    peers: results,
    sourceLog: source.stderr,
    sourceExit,
    listedAfterLeave: listed,
  };
}

/** Writes every node's whole stderr to `dir` (CLUBCAST_E2E_LOGDIR), for tracing a failed run. */
async function saveLogs(dir: string, peers: PeerProc[], sourceLog: string[]): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/source.log`, sourceLog.join("\n") + "\n");
  for (const p of peers) {
    await Deno.writeTextFile(`${dir}/${p.name}.log`, p.stderr.join("\n") + "\n");
  }
}

/** A one-line summary of a peer's result. */
export function describe(r: PeerResult): string {
  const same = r.difference === -1 ? "identical to the input" : `differs at byte ${r.difference}`;
  return `${r.name}${r.binary ? " (binary)" : ""} [${r.ending}, exit ${r.exitCode}]: ` +
    `${(r.bytes / 1e6).toFixed(2)} MB, first byte ${r.firstByteMs?.toFixed(0)} ms ` +
    `(self ${r.selfFirstByteMs ?? "?"}), ${same}, packets ${r.packets.matched} in order, ` +
    `${r.packets.missing} missing${r.packets.stray >= 0 ? `, STRAY at ${r.packets.stray}` : ""}, ` +
    `skipped ${r.skipped ?? "?"} blocks, ffprobe ${r.probeErrors.length} errors on ` +
    `${(r.probedBytes / 1e6).toFixed(2)} MB, event loop late <= ${r.maxLateMs} ms`;
}

if (import.meta.main) {
  const loss = Number(Deno.args[0] ?? 0);
  const bin = Deno.args[1] || undefined; // a folder with compiled peer and source binaries
  const clubs = Deno.args[2] ? Number(Deno.args[2]) : undefined;
  const dir = await Deno.makeTempDir({ prefix: "clubcast-e2e-" });
  await makeTestStream(`${dir}/in.ts`, 30);
  const r = await runScenario({
    dir,
    stream: await Deno.readFile(`${dir}/in.ts`),
    peers: 8,
    binaries: bin ? { peer: `${bin}/peer`, source: `${bin}/source`, count: 8 } : undefined,
    loss,
    clubs,
    joinAtMs: 3000,
    joinGapMs: 250,
    kill: 3,
    killAtMs: 10_000,
    stopAtMs: 22_000,
  });
  for (const p of r.peers) {
    console.log(describe(p));
    if (p.probeErrors.length) console.log("   ", p.probeErrors.slice(0, 3).join(" | "));
  }
  console.log(r.sourceLog.slice(-3).join("\n"));
  console.log(
    `source exit ${r.sourceExit}; listed after the survivors left: ${r.listedAfterLeave}`,
  );
  await Deno.remove(dir, { recursive: true });
}
