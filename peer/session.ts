/**
 * One viewing session: joins the channel at the tracker (which deals two clubs), runs a
 * PeerCore over UDP that verifies every block against the key in the announce URL, writes
 * played blocks in order to stdout (or a file, or HTTP clients), heartbeats at the tracker's
 * interval, and ends cleanly, telling the tracker "leave", when the reader of stdout goes
 * away (EPIPE) or on Ctrl-C / SIGTERM.
 */
import { fsReason } from "../lib/net/fs_reason.ts";
import { channelTag } from "../lib/auth/channel_tag.ts";
import { ed25519Suite } from "../lib/auth/suite.ts";
import { formatAddr, parseAddr } from "../lib/net/addr.ts";
import { connTracer } from "../lib/net/conn_trace.ts";
import { NodeDriver } from "../lib/net/driver.ts";
import { NativeAuthCheck } from "../lib/net/native_verify.ts";
import { RateMeter } from "../lib/net/meter.ts";
import {
  type ByteSink,
  fileSink,
  onStopSignal,
  stderrIsTerminal,
  stdoutSink,
} from "../lib/net/runtime.ts";
import {
  type AnnounceReply,
  TrackerClient,
  type TrackerResult,
} from "../lib/net/tracker_client.ts";
import { TrackerHealth } from "../lib/net/tracker_health.ts";
import { openProgramUdp, osSeededRng } from "../lib/net/udp.ts";
import type { PeerEvent } from "../lib/peer/events.ts";
import { PROGRAM_CONFIG } from "../lib/peer/config.ts";
import { PeerCore } from "../lib/peer/peer.ts";
import type { PeerConfig } from "./flags.ts";
import { HttpOut } from "./http_out.ts";
import { type PeerSnapshot, statsJson, statusLine } from "./status.ts";
import { entryInPair, TsGate } from "./ts_gate.ts";

/** Where the session reports. */
export interface PeerIo {
  readonly stderr: (text: string) => void;
  /** When the program started (ms, the driver's clock), for the first-byte time. */
  readonly startedAt: number;
}

/** Bytes in an MPEG-TS packet. */
const TS_PACKET = 188;
/**
 * How long playback waits for a keyframe with a whole second behind it before it starts
 * anyway (the TS gate still holds the output until a keyframe).
 */
const ENTRY_WAIT_MS = 4000;
/** An MPEG-TS null packet (PID 0x1FFF): stuffing every demuxer skips. */
export const NULL_PACKET: Uint8Array = (() => {
  const p = new Uint8Array(TS_PACKET).fill(0xff);
  p.set([0x47, 0x1f, 0xff, 0x10]);
  return p;
})();

const randomId = () =>
  "p" +
  [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** No live block for this long is a stalled stream (see the status tick). */
const STALL_MS = 1000;
/** The socket drains less often from this long after the first byte or a stall on. */
const STEADY_AFTER_MS = 5000;

/**
 * Why a join announce brought no clubs, in a viewer's words: an unregistered channel is a
 * broadcast that has not started yet (the peer waits for it, see runPeer).
 */
export function whyNotJoined(r: TrackerResult<AnnounceReply>): string {
  if (r.ok) return "the tracker dealt no clubs";
  if (r.status === 404 && r.error.startsWith("unknown channel")) {
    return "the broadcast has not started yet (no source has registered this channel)";
  }
  return r.error;
}

/** Runs a peer; resolves with the exit code. */
export async function runPeer(cfg: PeerConfig, io: PeerIo): Promise<number> {
  // --out is opened first: a path that cannot be written fails now, before the tracker is
  // asked anything (and whether or not the broadcast is live), not at the first block.
  let outFile: ByteSink | undefined;
  if (cfg.out !== undefined) {
    try {
      outFile = await fileSink(cfg.out);
    } catch (e) {
      io.stderr(`peer: cannot write --out ${cfg.out}: ${fsReason(e)}\n`);
      return 1;
    }
  }
  // So is --http's port (a port in use fails before joining). Each HTTP client's stream
  // starts at an entry point of its own, as stdout's does.
  const http = cfg.http === undefined ? undefined : new HttpOut({ gate: !cfg.raw });
  if (http) {
    try {
      io.stderr(`peer: serving the stream at http://${await http.listen(cfg.http!)}/\n`);
    } catch (e) {
      io.stderr(`peer: cannot serve HTTP at ${cfg.http}: ${(e as Error).message}\n`);
      await Promise.all([http.close(), outFile?.close()]);
      return 1;
    }
  }
  const opened = await openProgramUdp(cfg);
  if ("error" in opened) {
    io.stderr(`peer: ${opened.error}\n`);
    await Promise.all([http?.close(), outFile?.close()]);
    return 1;
  }
  const transport = opened;
  const port = parseAddr(transport.local)!.port;
  const client = new TrackerClient(cfg.target.tracker, cfg.target.channel);
  const id = randomId();

  let interrupted = false;
  let wake: () => void = () => {};
  onStopSignal(() => {
    interrupted = true;
    wake();
  });

  // Join, waiting (and saying why) while the tracker is unreachable or the channel unknown,
  // until Ctrl-C: a viewer may start before the broadcast does (docs/running.md).
  let joined: AnnounceReply | undefined;
  let lastWhy = "";
  while (!joined && !interrupted) {
    const r = await client.announce({ peer: id, port, event: "join" });
    if (r.ok && r.value.recommend) {
      joined = r.value;
      break;
    }
    const why = whyNotJoined(r);
    if (why !== lastWhy) {
      io.stderr(`peer: waiting to join: ${why}; asking every second until Ctrl-C\n`);
    }
    lastWhy = why;
    await Promise.race([sleep(1000), new Promise<void>((r) => (wake = r))]);
  }
  if (!joined) {
    await Promise.all([transport.close(), http?.close(), outFile?.close()]);
    return 0;
  }
  const myClubs = joined.recommend!;
  const sourceAddr = joined.peers.find((p) => p.clubs.length === 0)?.addr;
  // Signatures checked natively where the runtime can (a fallback otherwise, see the module).
  const native = await NativeAuthCheck.create(cfg.target.key, channelTag(cfg.target.key));
  const core = new PeerCore(Date.now(), {
    self: formatAddr(joined.youIp ?? "127.0.0.1", port),
    role: "peer",
    clubs: joined.clubs,
    myClubs,
    // Leaves hashed with node:crypto too where it can (the largest cost per block left).
    suite: native
      ? native.suite(cfg.target.key)
      : ed25519Suite(cfg.target.key, channelTag(cfg.target.key)),
    rng: osSeededRng(),
    source: sourceAddr,
    config: PROGRAM_CONFIG,
    // Start at a keyframe, at the full delay, with a whole second behind it (playback.ts).
    playback: {
      targetDelayMs: cfg.delayMs,
      entry: cfg.raw ? undefined : entryInPair,
      entryWaitMs: ENTRY_WAIT_MS,
    },
  });
  const learn = (r: AnnounceReply) => {
    // A source that restarted on another port (or host) is listed at its new address:
    // thin clubs and last-resort repairs go there from now on.
    const src = r.peers.find((p) => p.clubs.length === 0)?.addr;
    if (src !== undefined && src !== core.source) {
      io.stderr(`peer: the source is now at ${src} (was ${core.source ?? "not listed"})\n`);
      core.source = src;
    }
    core.addPeers(r.peers.filter((p) => p.clubs.length > 0));
  };
  core.addPeers(joined.peers.filter((p) => p.clubs.length > 0));

  const sink: ByteSink | undefined = outFile ?? (cfg.http === undefined ? stdoutSink() : undefined);

  let played = 0, skipped = 0, bytesOut = 0, forged = 0;
  let firstByteMs: number | undefined;
  /** From when the socket may drain less often (see the status tick). */
  let steadyFrom = Infinity;
  const gate = new TsGate();
  let lastWrite = 0, tsAligned = false;
  const emit = (now: number, bytes: Uint8Array) => {
    if (firstByteMs === undefined) {
      firstByteMs = now - io.startedAt;
      tsAligned = bytes[0] === 0x47;
      steadyFrom = now + STEADY_AFTER_MS;
    }
    bytesOut += bytes.length;
    tsAligned &&= bytes.length % TS_PACKET === 0;
    lastWrite = now;
    sink?.write(bytes);
    http?.write(now, bytes);
  };
  let firstBlockMs: number | undefined;
  const traceConns = connTracer("peer", io.startedAt, io.stderr);
  const onEvent = (e: PeerEvent, now: number) => {
    if (e.type === "ready") firstBlockMs ??= Math.round(now - io.startedAt);
    if (e.type === "forged") forged++;
    traceConns?.(e, now);
    // The core gave up on this swarm [0063]: nothing more will come, so say so and end.
    if (e.type === "withdraw") {
      void stop("withdrew: the swarm served it badly and it uploaded little", 3);
    }
    if (e.type !== "playback") return;
    const ev = e.event;
    if (ev.type === "start") {
      io.stderr(
        `peer: playback starts at block ${ev.seq}, ${Math.round(ev.delayMs)} ms behind the ` +
          `source, ${Math.round(now - io.startedAt)} ms after start (first block at ${
            firstBlockMs ?? "?"
          } ms)\n`,
      );
    }
    if (ev.type === "play") {
      played++;
      if (cfg.raw) emit(now, ev.payload);
      else for (const part of gate.push(now, ev.payload)) emit(now, part);
    } else if (ev.type === "skip" && firstByteMs !== undefined) skipped++; // a gap in the output
  };
  const driver = new NodeDriver(core, transport, {
    tag: channelTag(cfg.target.key),
    onEvent,
    maxBps: cfg.upKbps * 1000,
    // Signatures are checked only for a peer we have a connection with: the core drops a
    // stranger's block unread, and a flood of them must not cost a signature check each.
    gate: native &&
      ((msg, from) =>
        core.connectedTo(from) && !core.bans.has(from) ? native.check(msg) : undefined),
    onError: (e) => io.stderr(`peer: internal error: ${(e as Error)?.stack ?? e}\n`),
  });
  driver.start();
  io.stderr(
    `peer: joined ${cfg.target.channel} as ${id}, clubs ${myClubs.join(",")} of ${joined.clubs}, ` +
      `UDP port ${port}${sourceAddr ? "" : " (source not listed)"}\n`,
  );

  let stopping = false;
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((r) => (done = r));
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const after = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };

  let interval = joined.interval;
  const health = new TrackerHealth();
  const say = (line: string | undefined) => line && io.stderr(`peer: ${line}\n`);
  let announcing = false, lastAnnounceAt = driver.now(), stallWait = STALL_MS;
  // One heartbeat. A peer the tracker forgot (its entry expired while the tracker was away,
  // or the tracker came back empty) is listed again: the heartbeat names its clubs.
  const announce = async () => {
    if (stopping || announcing) return;
    announcing = true;
    lastAnnounceAt = driver.now();
    let r = await client.announce({ peer: id, port, event: "heartbeat", clubs: myClubs });
    if (!r.ok && r.status === 409) {
      r = await client.announce({ peer: id, port, event: "join", clubs: myClubs });
    }
    announcing = false;
    if (stopping) return;
    if (r.ok) {
      interval = r.value.interval;
      learn(r.value);
      driver.poke();
      say(health.ok(driver.now()));
    } else {
      const why = r.status === 0 ? r.error : `the tracker refused (${r.status}): ${r.error}`;
      say(health.failed(driver.now(), why, interval * 1000));
    }
  };
  const heartbeat = async () => {
    await announce();
    if (!stopping) after(health.nextInMs(interval * 1000), heartbeat);
  };
  after(interval * 1000, heartbeat);

  const meter = new RateMeter();
  const tty = stderrIsTerminal();
  const snapshot = (): PeerSnapshot => {
    const remotes = new Set<string>();
    let uploads = 0, downloads = 0;
    for (const u of core.ups.values()) if (u.accepted) (uploads++, remotes.add(u.remote));
    for (const d of core.downs.values()) if (d.accepted) (downloads++, remotes.add(d.remote));
    return {
      t: Date.now(),
      clubs: myClubs,
      peers: remotes.size,
      uploads,
      downloads,
      kbpsIn: meter.kbpsIn,
      kbpsOut: meter.kbpsOut,
      delayMs: core.playback?.started ? core.playback.delayMs : undefined,
      played,
      skipped,
      bytesOut,
      firstByteMs,
      malformed: driver.stats.malformed,
      forged,
      lateMs: driver.takeLateMs(),
      datagramsIn: transport.stats.datagramsIn,
      receiveOverflow: transport.stats.receiveOverflow,
      wakeups: driver.stats.wakeups,
      protocol: core.stats,
      buffered: core.playback?.memory().buffered,
    };
  };
  const report = () => {
    // A pipe whose reader quit only says so when written to: while the stream stalls, a TS
    // null packet (ignored by players) every second lets the peer notice and leave.
    if (sink && tsAligned && driver.now() - lastWrite >= 1000) sink.write(NULL_PACKET);
    meter.sample(driver.now(), transport.stats);
    // The stream stalled (no live block for a while): ask the tracker now rather than at the
    // next interval, for fresh peers and for the source's address (a restarted source may
    // have had to take another port); less often while the stall lasts.
    const live = driver.now() - core.lastLiveAt < STALL_MS;
    // The socket drains every 20 ms while the peer joins, for a quick first byte and while its
    // history's holes are repaired, and every 40 ms once it has played for a few seconds, which
    // costs it a sixth less CPU (bench/README.md, run G); back to 20 while the stream stalls and
    // for a few seconds after, as new upstreams send their histories (linux_udp.ts).
    if (!live && firstByteMs !== undefined) steadyFrom = driver.now() + STEADY_AFTER_MS;
    transport.setSteady?.(driver.now() >= steadyFrom);
    if (live) stallWait = STALL_MS;
    else if (driver.now() - lastAnnounceAt >= stallWait) {
      stallWait = Math.min(2 * stallWait, interval * 1000);
      void announce();
    }
    const s = snapshot();
    if (cfg.statsJson) io.stderr(`${statsJson(s)}\n`);
    else if (tty) io.stderr(`\r\x1b[K${statusLine(s)}`);
    if (!stopping) after(1000, report);
  };
  after(1000, report);

  const stop = async (why: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    for (const t of timers) clearTimeout(t);
    if (tty && !cfg.statsJson) io.stderr("\n");
    io.stderr(`peer: ${why}; leaving (played ${played} blocks, skipped ${skipped})\n`);
    driver.stop();
    await client.announce({ peer: id, port, event: "leave", clubs: myClubs });
    await Promise.all([transport.close(), http?.close(), sink?.close()]);
    done(code);
  };
  wake = () => void stop("stopped");
  if (interrupted) void stop("stopped");
  sink?.closed.then((why) => void stop(why === "EPIPE" ? "the reader closed the stream" : why));
  return finished;
}
