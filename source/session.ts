/**
 * One broadcast: registers the channel with the tracker (signed), announces the source,
 * prints the announce URL, and streams the input through a SourceNode over UDP until the
 * input ends or a signal stops it; then tells the tracker "leave".
 */
import { ed25519Signer, ed25519Suite } from "../lib/auth/suite.ts";
import { concatBytes } from "../lib/bytes.ts";
import { channelTag } from "../lib/auth/channel_tag.ts";
import { formatAddr, parseAddr } from "../lib/net/addr.ts";
import { wallClock } from "../lib/net/clock.ts";
import { connTracer } from "../lib/net/conn_trace.ts";
import { NodeDriver } from "../lib/net/driver.ts";
import { RateMeter } from "../lib/net/meter.ts";
import { onStopSignal, stderrIsTerminal, stdinIsTerminal } from "../lib/net/runtime.ts";
import { type AnnounceReply, TrackerClient } from "../lib/net/tracker_client.ts";
import { TrackerHealth } from "../lib/net/tracker_health.ts";
import { openProgramUdp, osSeededRng } from "../lib/net/udp.ts";
import { DEFAULT_CONFIG, SOURCE_PROGRAM_CONFIG } from "../lib/peer/config.ts";
import { SourceNode } from "../lib/source/source_node.ts";
import type { StreamConfig } from "./flags.ts";
import { type InputOpener, InputSniffer } from "./input.ts";
import type { SourceKey } from "./key.ts";
import { SourceState } from "./state_file.ts";

/** How the session reports. */
export interface SessionIo {
  /** Prints one line on stdout (only the announce URL goes there). */
  readonly stdoutLine: (line: string) => void;
  /** Writes status text on stderr. */
  readonly stderr: (text: string) => void;
}

/** The tracker's entry id of the source. */
export const SOURCE_ID = "source";
/** Refresh the registration this often (the tracker keeps a channel 24 h after the last). */
const REREGISTER_MS = 30 * 60_000;
/** After the input ends, keep serving repairs and stragglers this long. */
const LINGER_MS = 2000;
/** On a signal, the last blocks and signature get this long to leave. */
const FLUSH_MS = 150;
/** Bytes in an MPEG-TS packet. */
const TS_PACKET = 188;
/**
 * Input is handed to the node in slices of at most this many bytes (44 TS packets), and the
 * state file checked before each, so no slice can use seqs the file does not cover: a slice
 * makes at most 8 blocks of 1128 bytes, with the block held back from before and a
 * signature block, 10, fewer than RESERVE_LOW (state_file.ts).
 */
const SLICE = 44 * TS_PACKET;

/**
 * Runs a broadcast of what `openInput` gives (input.ts: checked before this is called, so a
 * bad input never registers the channel); resolves with the exit code: 0 when the input ends
 * or a signal stops it, 1 when it ends before a whole packet came or fails to read.
 * `statePath` is the state file (state_file.ts) that lets a restart go on where this run
 * stops, numbering blocks on and on the same UDP port; without one, blocks start at 0.
 */
export async function runSource(
  cfg: StreamConfig,
  key: SourceKey,
  openInput: InputOpener,
  io: SessionIo,
  statePath?: string,
): Promise<number> {
  const state = statePath === undefined ? undefined : new SourceState(statePath, key.channel);
  if (state?.note) io.stderr(`source: ${state.note}\n`);
  // The port of the last run, if free and no port was asked for: to peers, the same source.
  let opened = cfg.port === 0 && state?.lastPort
    ? await openProgramUdp({ ...cfg, port: state.lastPort })
    : { error: "" };
  if ("error" in opened) opened = await openProgramUdp(cfg);
  if ("error" in opened) {
    io.stderr(`source: ${opened.error}\n`);
    return 1;
  }
  const transport = opened;
  const port = parseAddr(transport.local)!.port;
  if (state) state.port = port;
  const client = new TrackerClient(cfg.tracker, key.channel);

  const reg = await client.register(key.secret, cfg.clubs, Date.now());
  if (!reg.ok) {
    const why = reg.status === 0
      ? reg.error
      : `tracker refused the channel (${reg.status}): ${reg.error}`;
    io.stderr(`source: ${why}\n`);
    await transport.close();
    return 1;
  }
  const joined = await client.announce({ peer: SOURCE_ID, port, event: "join", clubs: [] });
  if (!joined.ok) {
    io.stderr(`source: announce failed (${joined.status}): ${joined.error}\n`);
    await transport.close();
    return 1;
  }
  const seqTrouble = (why: string | undefined) => {
    if (why) io.stderr(`source: ${why}; after a restart peers could not resume\n`);
  };
  io.stdoutLine(client.announceUrl);
  io.stderr(
    `source: channel ${key.channel} (${reg.value.created ? "new" : "known"}), ` +
      `${cfg.clubs} clubs, UDP port ${port}` +
      `${state?.first ? `, blocks numbered on from ${state.first}` : ""}\n`,
  );

  const rng = osSeededRng();
  const node = new SourceNode(Date.now(), {
    self: formatAddr(joined.value.youIp ?? "127.0.0.1", port),
    clubs: cfg.clubs,
    rng: rng.fork(),
    signer: ed25519Signer(key.secret),
    suite: ed25519Suite(key.publicKey),
    align: 188,
    thresholdMs: DEFAULT_CONFIG.defaultThresholdMs,
    config: SOURCE_PROGRAM_CONFIG,
    firstSeq: state?.first,
  });
  const driver = new NodeDriver(node, transport, {
    tag: channelTag(key.publicKey),
    maxBps: cfg.upKbps * 1000,
    onEvent: connTracer("source", wallClock(), io.stderr),
    onError: (e) => io.stderr(`source: internal error: ${(e as Error)?.stack ?? e}\n`),
  });
  // Written at once, so the port is kept even if no block is ever made.
  seqTrouble(state?.cover(node.nextSeq));
  const learn = (r: AnnounceReply) => node.addPeers(r.peers.filter((p) => p.clubs.length > 0));
  learn(joined.value);
  driver.start();

  let done: (code: number) => void = () => {};
  let ended = false;
  const finished = new Promise<number>((r) => (done = r));
  let stopping = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const after = (ms: number, f: () => void) => {
    const id = setTimeout(() => {
      timers.delete(id);
      f();
    }, ms);
    timers.add(id);
  };

  const health = new TrackerHealth();
  const say = (line: string | undefined) => line && io.stderr(`source: ${line}\n`);
  let known = joined.value.peers.length;
  let interval = joined.value.interval;
  const lacking = () => {
    const per = new Array(cfg.clubs).fill(0);
    for (const u of node.core.ups.values()) if (u.accepted) per[u.club]++;
    return per.some((n) => n < DEFAULT_CONFIG.sourcePerClub);
  };
  const heartbeat = async () => {
    if (stopping) return;
    let r = await client.announce({ peer: SOURCE_ID, port, event: "heartbeat", clubs: [] });
    if (!r.ok && (r.status === 404 || r.status === 409)) {
      // The tracker forgot us (restarted, or our entry expired): register and join again.
      await client.register(key.secret, cfg.clubs, Date.now());
      r = await client.announce({ peer: SOURCE_ID, port, event: "join", clubs: [] });
    }
    if (stopping) return;
    if (r.ok) {
      known = r.value.peers.length;
      interval = r.value.interval;
      learn(r.value);
      driver.poke();
      say(health.ok(driver.now()));
    } else {
      const why = r.status === 0 ? r.error : `announce refused (${r.status}): ${r.error}`;
      say(health.failed(driver.now(), why, 1000));
    }
    // Often while some club lacks its two upload connections, so new peers are met soon, and
    // while the tracker is away: once it is back (maybe empty), the source must be there
    // first, or no new peer can join.
    after(lacking() || health.down ? 1000 : Math.min(interval * 1000, 5000), heartbeat);
  };
  after(1000, heartbeat);
  const reregister = async () => {
    const r = await client.register(key.secret, cfg.clubs, Date.now());
    if (!r.ok && !stopping) io.stderr(`source: registration refresh failed: ${r.error}\n`);
    if (!stopping) after(REREGISTER_MS, reregister);
  };
  after(REREGISTER_MS, reregister);

  const meter = new RateMeter();
  const tty = stderrIsTerminal();
  let ticks = 0, lateMs = 0;
  const status = () => {
    meter.sample(driver.now(), transport.stats);
    // How late the event loop ran over the lines' interval: a starved source (a busy
    // machine) sends late, and its viewers see it as a slow network.
    lateMs = Math.max(lateMs, driver.takeLateMs());
    let ups = 0;
    for (const u of node.core.ups.values()) if (u.accepted) ups++;
    const line = `source: ${ups} uploads, ${known} peers listed, in ${meter.kbpsIn.toFixed(0)} ` +
      `kbit/s, out ${meter.kbpsOut.toFixed(0)} kbit/s, stream ${
        (node.bytesIn / 1e6).toFixed(1)
      } MB${
        transport.stats.sendFailed ? `, ${transport.stats.sendFailed} datagrams not sent` : ""
      }${lateMs >= 100 ? `, event loop up to ${lateMs} ms late` : ""}`;
    if (tty) io.stderr(`\r\x1b[K${line}`);
    else if (ticks % 10 === 0) io.stderr(`${line}\n`);
    if (tty || ticks % 10 === 0) lateMs = 0;
    ticks++;
    if (!stopping) after(1000, status);
  };
  status();

  const stop = async (code: number, why: string) => {
    if (stopping) return;
    stopping = true;
    for (const id of timers) clearTimeout(id);
    if (tty) io.stderr("\n");
    io.stderr(`source: ${why}; leaving\n`);
    if (!ended) {
      // The open batch's blocks went out already, but no peer can play them before their
      // signature block: seal the batch and give it a moment to leave.
      ended = true;
      node.end(driver.now());
      driver.poke();
      await new Promise((r) => setTimeout(r, FLUSH_MS));
    }
    driver.stop();
    seqTrouble(state?.close(node.nextSeq));
    await client.announce({ peer: SOURCE_ID, port, event: "leave", clubs: [] });
    await transport.close();
    done(code);
  };
  onStopSignal((sig) => void stop(0, `${sig}`));

  if (cfg.input === "-" && stdinIsTerminal()) {
    io.stderr("source: reading MPEG-TS from stdin: pipe a stream in (ffmpeg ... -f mpegts - |)\n");
  }
  (async () => {
    const sniffer = new InputSniffer();
    let failed = false;
    try {
      // Only whole TS packets go to the node: a stop (a signal, or input cut off) then never
      // sends peers half a packet, which would shift every packet after it in their output.
      let rest = new Uint8Array(0);
      for await (const chunk of await openInput()) {
        if (stopping) break;
        say(sniffer.take(chunk));
        const data = rest.length === 0 ? chunk : concatBytes([rest, chunk]);
        const whole = data.length - (data.length % TS_PACKET);
        rest = data.slice(whole);
        for (let at = 0; at < whole; at += SLICE) {
          // The file covers every seq before it is used, so even a crash leaves no reuse.
          seqTrouble(state?.cover(node.nextSeq));
          node.input(driver.now(), data.subarray(at, Math.min(whole, at + SLICE)));
        }
        driver.poke();
      }
    } catch (e) {
      failed = true;
      if (!stopping) io.stderr(`source: input error: ${(e as Error).message}\n`);
    }
    if (stopping) return;
    say(sniffer.end());
    // Nothing to serve: say why and go at once.
    if (sniffer.bytes === 0 && !failed) {
      return void stop(1, "the input ended before any data arrived");
    }
    if (node.bytesIn === 0 && !failed) {
      return void stop(
        1,
        `the input ended after ${sniffer.bytes} bytes, less than one ${TS_PACKET}-byte ` +
          "packet: nothing was sent",
      );
    }
    ended = true;
    node.end(driver.now());
    driver.poke();
    after(LINGER_MS, () => void stop(failed ? 1 : 0, "input ended"));
  })();
  return finished;
}
