/**
 * The source restarts with the same key (issue 6, "Outages"): a tracker, a source fed a
 * 2 Mbit/s ffmpeg stream, peers watching; the source is killed (SIGKILL: a crash, or SIGTERM)
 * and started again with the same key file, fed by a new encoder run (another ffmpeg stream,
 * as a restarted `ffmpeg | source` pipeline gives: timestamps and counters start over).
 * Measures, per peer, the time from the restart to the first byte of the new stream on its
 * output, and checks what it wrote: the old stream's packets in order, then the new one's,
 * the new part decodable by ffprobe. Used by e2e_outage_source_test.ts; run alone with
 * `deno run -A --unstable-kv --unstable-net tests/e2e_outage_source.ts [SIGKILL|SIGTERM]
 * [port-taken]`.
 */
import { spawnTracker } from "./tracker_process.ts";
import {
  denoCommand,
  ffprobeErrors,
  leavingCounts,
  makeSourceKey,
  makeTestStream,
  matchPackets,
  offsetIn,
  oneSwarmAtATime,
  type PeerProc,
  startPeer,
  startSource,
  wholeGops,
} from "./e2e_process.ts";
import { sleepUntil, timedOutput, untilPlaying, withoutNulls } from "./e2e_timed.ts";

/** How the restart goes. */
export interface SourceRestartOptions {
  readonly dir: string;
  /** What the first source is fed, and what the restarted one is (another encoder run). */
  readonly stream: Uint8Array;
  readonly stream2: Uint8Array;
  readonly peers: number;
  readonly clubs: number;
  readonly joinAtMs: number;
  /**
   * When the source is killed (ms after the stream began, or later, once every peer writes
   * the stream), how, and how long it stays down.
   */
  readonly killAtMs: number;
  readonly signal: "SIGKILL" | "SIGTERM";
  readonly downMs: number;
  /** Something else holds the source's UDP port when it restarts: it must take another. */
  readonly portTaken?: boolean;
  /** How long everything runs on after the restart, ms. */
  readonly afterMs: number;
}

/** What one peer did. */
export interface RestartPeer {
  readonly name: string;
  readonly exitCode: number;
  /** ms from the restarted source's spawn (and from its announce URL) to the new stream's
   * first byte on this peer's output; undefined if it never came. */
  readonly resumeMs: number | undefined;
  readonly resumeFromReadyMs: number | undefined;
  /** The pause in its output: last byte of the old stream to first of the new, ms. */
  readonly gapMs: number | undefined;
  /** Stream bytes before and after the resumption. */
  readonly oldBytes: number;
  readonly newBytes: number;
  /** The parts are packets of their inputs in input order (-1), or where they are not. */
  readonly oldStray: number;
  readonly newStray: number;
  /**
   * Where the new part starts in the restarted source's input, and the input's packets it
   * lacks after that (null packets not counted): blocks lost, not numbers passed over.
   */
  readonly newStartPacket: number;
  readonly newMissing: number;
  /** ffprobe's complaints about the old part's and the new part's whole GOPs. */
  readonly oldProbeErrors: string[];
  readonly newProbeErrors: string[];
  /** ffprobe's complaints about the whole output, the junction included. */
  readonly probeErrors: string[];
  readonly played: number | undefined;
  readonly skipped: number | undefined;
  readonly stderrTail: string[];
}

/** What the run showed. */
export interface SourceRestartResult {
  readonly peers: RestartPeer[];
  /** ms from spawning the restarted source to its announce URL. */
  readonly readyMs: number;
  /** The source's UDP port before and after the restart. */
  readonly ports: readonly [number, number];
  readonly sourceLog: string[];
  readonly source2Log: string[];
  readonly source2Exit: number;
}

/**
 * Where the new stream starts in `bytes` (packets): the old stream's packets match `stream`
 * in order up to `stray`; PAT and PMT packets are alike in both streams, so the split may be
 * a few packets earlier: the earliest from which everything matches `stream2` in order.
 */
function splitAt(stream: Uint8Array, stream2: Uint8Array, bytes: Uint8Array): number {
  const stray = matchPackets(stream, bytes).stray;
  if (stray < 0) return -1;
  for (let k = Math.max(0, stray - 8); k <= stray; k++) {
    if (matchPackets(stream2, bytes.subarray(k * 188)).stray === -1) return k;
  }
  return stray;
}

/** Runs the restart (one swarm on the machine at a time). */
export function runSourceRestart(o: SourceRestartOptions): Promise<SourceRestartResult> {
  return oneSwarmAtATime(() => sourceRestart(o));
}

async function sourceRestart(o: SourceRestartOptions): Promise<SourceRestartResult> {
  const tracker = await spawnTracker(["--kv", ":memory:", "--interval", "2", "--rate", "0"]);
  const key = await makeSourceKey(o.dir);
  const clubs = ["--clubs", String(o.clubs)];
  const source = await startSource(denoCommand("source"), tracker.url, key, clubs);
  const t0 = performance.now();
  const feeding = source.feed(o.stream, 2_000_000).catch(() => {});
  const peers: PeerProc[] = [];
  for (let i = 0; i < o.peers; i++) {
    await sleepUntil(t0, o.joinAtMs + i * 250);
    peers.push(startPeer(denoCommand("peer"), `peer${i + 1}`, source.url));
  }
  // The source goes once every peer plays (on a busy machine one may take seconds).
  await untilPlaying(peers, o.killAtMs + 15_000);
  await sleepUntil(t0, o.killAtMs);
  source.child.kill(o.signal);
  await source.wait(10_000);
  await feeding;
  const oldPort = Number(source.stderr.join("\n").match(/UDP port (\d+)/)?.[1]);
  const squatter = o.portTaken
    ? Deno.listenDatagram({ hostname: "127.0.0.1", port: oldPort, transport: "udp" })
    : undefined;
  await sleepUntil(performance.now(), o.downMs);

  const restartAt = performance.now();
  const source2 = await startSource(denoCommand("source"), tracker.url, key, clubs);
  const readyAt = performance.now();
  const feeding2 = source2.feed(o.stream2, 2_000_000).catch(() => {});
  await sleepUntil(restartAt, o.afterMs);
  const exits = new Map<string, number>();
  for (const p of peers) exits.set(p.name, await p.stop("SIGTERM"));
  source2.child.kill("SIGTERM");
  const source2Exit = await source2.wait(10_000);
  await feeding2;
  await tracker.stop();
  squatter?.close();
  const newPort = Number(source2.stderr.join("\n").match(/UDP port (\d+)/)?.[1]);
  // For a look at what went wrong: every process's stderr, one file each.
  const logs = Deno.env.get("CLUBCAST_OUTAGE_LOGS");
  if (logs) await Deno.writeTextFile(`${logs}/source2.log`, source2.stderr.join("\n"));
  const input2 = withoutNulls(o.stream2);
  const results: RestartPeer[] = [];
  for (const p of peers) {
    if (logs) await Deno.writeTextFile(`${logs}/${p.name}.log`, p.stderr.join("\n"));
    const out = timedOutput(p);
    const k = splitAt(o.stream, o.stream2, out.bytes);
    const cut = k < 0 ? out.bytes.length : k * 188;
    const oldPart = out.bytes.subarray(0, cut), newPart = out.bytes.subarray(cut);
    const probe = async (b: Uint8Array) => {
      const g = wholeGops(b);
      return g.length ? await ffprobeErrors(g, o.dir) : ["nothing to probe"];
    };
    const counts = leavingCounts(p.stderr);
    const newMatch = matchPackets(input2, newPart);
    results.push({
      name: p.name,
      exitCode: exits.get(p.name) ?? -1,
      resumeMs: k < 0 ? undefined : Math.round(out.at[k] - restartAt),
      resumeFromReadyMs: k < 0 ? undefined : Math.round(out.at[k] - readyAt),
      gapMs: k < 1 ? undefined : Math.round(out.at[k] - out.at[k - 1]),
      oldBytes: oldPart.length,
      newBytes: newPart.length,
      oldStray: matchPackets(o.stream, oldPart).stray,
      newStray: newMatch.stray,
      newStartPacket: newPart.length ? offsetIn(input2, newPart) / 188 : -1,
      newMissing: newMatch.missing,
      oldProbeErrors: await probe(oldPart),
      newProbeErrors: await probe(newPart),
      probeErrors: await probe(out.bytes),
      played: counts?.played,
      skipped: counts?.skipped,
      stderrTail: p.stderr.filter((l) => !l.startsWith("{")).slice(-6),
    });
  }
  return {
    peers: results,
    readyMs: Math.round(readyAt - restartAt),
    ports: [oldPort, newPort],
    sourceLog: source.stderr,
    source2Log: source2.stderr,
    source2Exit,
  };
}

/** One line per peer. */
export function describeRestartPeer(r: RestartPeer): string {
  const stray = (n: number) => n === -1 ? "in order" : `STRAY at packet ${n}`;
  return `${r.name} [exit ${r.exitCode}]: new stream ${r.resumeMs} ms after the restart ` +
    `(${r.resumeFromReadyMs} ms after its URL), output paused ${r.gapMs} ms; old part ` +
    `${(r.oldBytes / 1e6).toFixed(2)} MB ${stray(r.oldStray)}, ffprobe ` +
    `${r.oldProbeErrors.length} errors; new part ${(r.newBytes / 1e6).toFixed(2)} MB ` +
    `${stray(r.newStray)} from its input's packet ${r.newStartPacket}, ${r.newMissing} ` +
    `packets missing, ffprobe ${r.newProbeErrors.length} errors (on the whole output ` +
    `${r.probeErrors.length}); played ${r.played}, ` +
    `skipped ${r.skipped}`;
}

if (import.meta.main) {
  const signal = Deno.args[0] === "SIGTERM" ? "SIGTERM" : "SIGKILL";
  const portTaken = Deno.args[1] === "port-taken";
  const dir = await Deno.makeTempDir({ prefix: "clubcast-restart-" });
  await makeTestStream(`${dir}/a.ts`, 20);
  await makeTestStream(`${dir}/b.ts`, 20, "smptebars", 660);
  const r = await runSourceRestart({
    dir,
    stream: await Deno.readFile(`${dir}/a.ts`),
    stream2: await Deno.readFile(`${dir}/b.ts`),
    peers: 4,
    clubs: 4,
    joinAtMs: 1500,
    killAtMs: 10_000,
    signal,
    downMs: 500,
    portTaken,
    afterMs: 10_000,
  });
  console.log(
    `restarted source's URL after ${r.readyMs} ms (killed with ${signal}; UDP port ` +
      `${r.ports[0]}, then ${r.ports[1]})`,
  );
  for (const p of r.peers) {
    console.log(describeRestartPeer(p));
    for (const e of [p.oldProbeErrors, p.newProbeErrors, p.probeErrors]) {
      if (e.length) console.log("   ", e.slice(0, 3).join(" | "));
    }
    console.log("   ", p.stderrTail.join("\n    "));
  }
  console.log(r.source2Log.slice(-4).join("\n"));
  await Deno.remove(dir, { recursive: true });
}
