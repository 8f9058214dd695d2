/**
 * The relay benchmark's load generator, run under Bun (`bun run`), pinned to its own core by
 * the orchestrator (relay_bench.ts). Bun's `sendMany` sends a batch of datagrams per call,
 * so this process stays well ahead of any forwarder it measures. Two sockets: `tx` is the
 * sender (the peer's in-club upstream, the channel's source), `rx` the receiver (an in-club
 * downstream of the peer) that counts what arrives.
 *
 * Prints `ready {"tx","rx","key"}`; then for each stdin line `run echo|relay <addr> <pid>`
 * runs a ramp of trials against the forwarder at <addr> (process <pid>, whose CPU it reads
 * from /proc) and prints `result <json>`. Exits when stdin closes.
 */
import dgram from "node:dgram";
import process from "node:process";
import { decodeDatagram, encodeDatagram } from "../../lib/wire/codec.ts";
import type { Msg } from "../../lib/wire/messages.ts";
import { pingPad } from "../../lib/wire/size.ts";
import { parseAddr } from "../../lib/net/addr.ts";
import { cpuSeconds } from "../lib/proc.ts";
import { benchArgs, benchNumbers, intRange, numberRange } from "../lib/cli.ts";
import { round } from "../lib/stats.ts";
import { DEFAULT_BATCH_COUNT } from "../../lib/source/batcher.ts";
import { ClubStream, newStreamKey, type Trial } from "./blocks.ts";
import { SendCounters } from "./send_counters.ts";
import { peak, perCpuSecond, rampRates, refineRates, saturated, type TrialResult } from "./ramp.ts";

interface BunSock {
  readonly port: number;
  send(data: Uint8Array, port: number, address: string): boolean;
  sendMany(packets: (Uint8Array | number | string)[]): number;
}
interface BunUdp {
  udpSocket(o: {
    hostname: string;
    port?: number;
    binaryType?: "uint8array";
    socket: {
      data(s: BunSock, data: Uint8Array, port: number, address: string): void;
      error?(s: BunSock, e: Error): void;
    };
  }): Promise<BunSock>;
}
const USAGE = `bun run bench/relay/loadgen.ts [options]

The relay benchmark's load generator, driven over stdin by relay_bench.ts (bench/README.md).

  --trial-ms MS     each trial's length (default 2000)
  --start N         the first trial's datagrams a second (default 2000)
  --factor F        each trial's rate over the last (default 1.25)
  --refine N        finer trials above the best coarse one (default 3)
  --max N           the highest rate tried (default 250000)
  --repeat N        each rate this many times (default 1)
  --warmup N        datagrams a second of a warm-up trial first (default 1000)
  --sig-batch N     data blocks per signed batch, 1..32 (default the source's)
  -h, --help        this help`;

const v = benchArgs("loadgen", USAGE, process.argv.slice(2), {
  "trial-ms": { type: "string", default: "2000" },
  start: { type: "string", default: "2000" },
  factor: { type: "string", default: "1.25" },
  /** Finer trials between the best coarse step's rate and the next step up. */
  refine: { type: "string", default: "3" },
  max: { type: "string", default: "250000" },
  /** Each rate this many times (a steady load to profile). */
  repeat: { type: "string", default: "1" },
  /** Datagrams per second of a warm-up trial before the ramp (a new peer's code is cold). */
  warmup: { type: "string", default: "1000" },
  /**
   * Data blocks per signed batch: by default what the source makes at these rates (its
   * batches fill to DEFAULT_BATCH_COUNT long before their 50 ms wait ends).
   */
  "sig-batch": { type: "string", default: String(DEFAULT_BATCH_COUNT) },
});
const bun = (globalThis as { Bun?: BunUdp }).Bun;
if (!bun) {
  console.error("loadgen: run the load generator under Bun: bun run bench/relay/loadgen.ts");
  process.exit(2);
}
const n = benchNumbers("loadgen", v, {
  "trial-ms": intRange(100),
  start: intRange(1),
  factor: numberRange(1.01),
  refine: intRange(0),
  max: intRange(1),
  repeat: intRange(1),
  warmup: intRange(0),
  "sig-batch": intRange(1, 32),
});
const TRIAL_MS = n["trial-ms"];
const WARM_MS = TRIAL_MS / 4;
const FACTOR = n.factor;
const REFINE = n.refine;
const RATES = rampRates(n.start, FACTOR, n.max).flatMap((r) => Array<number>(n.repeat).fill(r));
const WARMUP = n.warmup;
const BATCH = 64;

const key = newStreamKey();
const CLUBS = [0, 1];
const SIG_BATCH = n["sig-batch"];
const stream = new ClubStream({ key, clubs: CLUBS.length, batch: SIG_BATCH });
/** The sender's connections to the peer (the peer's downloads from it). */
const uploads = new SendCounters(CLUBS.length);
/**
 * Datagrams a second of the slow stream that keeps the sender's connections alive while the
 * next trial is made (it takes seconds at the highest rates; a sender silent for the core's
 * `idleInMs`, 2.5 s, is dropped as idle [0053], and the trial would begin without it).
 */
const FILL_RATE = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Receiver state: counting window and connection flags. */
let windowFrom = Infinity, windowTo = -Infinity, counted = 0;
/** Clubs whose download (peer to receiver) is open. */
const rxUp = new Set<number>();
/** The peer's cookie for the receiver, per club, from its accepts; for the sender, its pong's. */
const rxCookie = new Map<number, number>();
let txCookie = 0;
let peerAddr: string | undefined;
const drops: string[] = [];
const connected = () => uploads.openCount === CLUBS.length && rxUp.size === CLUBS.length;
/**
 * Control messages from the peer. The sender behaves as the channel's source: it takes the
 * peer's own requests to download a club (the peer asks the source again after dropping its
 * upstream), and ignores the rest; the receiver only tracks its downloads.
 */
const onControl = (bytes: Uint8Array, isTx: boolean) => {
  const r = decodeDatagram(bytes);
  if (!r.ok) return;
  const m = r.msg;
  if (isTx && m.t === "pong") txCookie = m.cookie;
  if (process.env.LOADGEN_DEBUG && (m.t === "accept" || m.t === "drop" || m.t === "connect")) {
    console.error(`${isTx ? "tx" : "rx"} ${m.t} club ${m.club} ${m.dir}`);
  }
  if (m.t !== "accept" && m.t !== "drop" && m.t !== "connect") return;
  if (!CLUBS.includes(m.club)) return;
  if (isTx) {
    // Its counter starts again, offset by the peer's cookie (lib/peer/conn_counter.ts).
    if (m.t === "accept" && m.dir === "up") uploads.open(m.club, m.cookie);
    if (m.t === "drop" && m.dir === "down") {
      // Dropped, or refused (our cookie is stale, e.g. a new forwarder): ping again first.
      txCookie = 0;
      uploads.close(m.club);
      drops.push("upstream");
    }
    // The peer's own requests for a download from the sender go unanswered: the sender
    // makes every connection by its offer, so each has one secret, the peer's cookie for
    // it, which offsets its counter (had both ways crossed, the two ends could hold
    // different secrets and the peer would drop every block as spoofed).
  } else {
    if (m.t === "accept" && m.dir === "down") {
      // The peer uploads only once the receiver has echoed its cookie (docs/protocol.md,
      // "Address validation"): at once, and in every keep-alive.
      rxUp.add(m.club);
      rxCookie.set(m.club, m.cookie);
      rxRefusals = 0;
      if (peerAddr) {
        send(rx, peerAddr, {
          t: "keepalive",
          club: m.club,
          lead: true,
          cookie: m.cookie,
          offers: false,
        });
      }
    }
    if (m.t === "drop" && m.dir === "up") {
      // A drop of a download the receiver does not have answers its connect: a refusal.
      if (rxUp.delete(m.club)) drops.push("downstream");
      else rxRefusals++;
    }
  }
};
/**
 * Opens a receiver: node:dgram, for its large receive buffer (Bun.udpSocket has no way to
 * ask), so bursts from the forwarder are not lost here while this process is busy sending.
 */
async function openReceiver(): Promise<BunSock> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
  sock.setRecvBufferSize(4 * 1024 * 1024);
  sock.on("error", () => {});
  sock.on("message", (data: Uint8Array) => {
    // Of what the peer sends the receiver only a block is a CBOR array of 8 (a "connect" is
    // too, but the peer never asks the receiver for one; lib/wire/layout.ts): counted, not
    // decoded.
    if (data[0] === 0x88) {
      const now = performance.now();
      if (now >= windowFrom && now < windowTo) counted++;
    } else onControl(data, false);
  });
  return {
    port: sock.address().port,
    send: (data, port, address) => (sock.send(data, port, address), true),
    sendMany: () => 0,
  };
}
/** The receiver the echo loop sends to (its address is in the `ready` line). */
const echoRx = await openReceiver();
/**
 * The receiver of the relay's downloads. A relay past its capacity loses the receiver's
 * keep-alives in its overflowing socket, drops its downloads and bans the receiver, as it
 * should a silent downstream [0054]; the ban refuses every connect for seconds after. In a
 * swarm another downstream would take its place: here a fresh receiver does (a new port),
 * so the trials after an overload measure the relay, not the ban (`receiverSwaps`).
 */
let rx = echoRx;
/** The peer's refusals of the receiver's connects since it last had a download. */
let rxRefusals = 0;
let receiverSwaps = 0;
let swapping = false;
/** Refused again and again (each club twice): banned, so a fresh receiver asks instead. */
async function replaceBannedReceiver(): Promise<void> {
  if (rxRefusals < 2 * CLUBS.length || swapping) return;
  swapping = true;
  rx = await openReceiver();
  rxUp.clear();
  rxRefusals = 0;
  receiverSwaps++;
  swapping = false;
}
const tx = await bun.udpSocket({
  hostname: "127.0.0.1",
  binaryType: "uint8array",
  socket: {
    data: (_s, data) => onControl(data, true),
    // ICMP reports of datagrams to a forwarder that already quit: nothing to do.
    error: () => {},
  },
});
const txAddr = `127.0.0.1:${tx.port}`, rxAddr = `127.0.0.1:${echoRx.port}`;
const send = (s: BunSock, to: string, msg: Msg) => {
  const hp = parseAddr(to)!;
  s.send(encodeDatagram(key.tag, msg), hp.port, hp.hostname);
};

/** The receiver's keep-alives to the peer it downloads from (the core's timeout is 1.2 s). */
/** Asks the peer for every connection not open yet. */
function askPeer(peer: string): void {
  // An upload offer must echo the peer's cookie (docs/protocol.md, "Address validation"):
  // the sender pings first, as a real source does, and offers once the pong has come.
  if (txCookie === 0) {
    send(tx, peer, { t: "ping", nonce: 1, pad: pingPad(1) });
    return;
  }
  for (const club of CLUBS) {
    if (!uploads.isOpen(club)) {
      send(tx, peer, { t: "connect", club, dir: "up", clubs: [], have: null, cookie: txCookie });
    }
    if (!rxUp.has(club)) {
      send(rx, peer, { t: "connect", club, dir: "down", clubs: CLUBS, have: null, cookie: 0 });
    }
  }
}

// The receiver's keep-alives (the core's timeout is 1.2 s); a connection lost mid-trial is
// asked for again at once, as a real upstream or downstream would.
setInterval(() => {
  if (!peerAddr) return;
  for (const club of rxUp) {
    send(rx, peerAddr, {
      t: "keepalive",
      club,
      lead: true,
      cookie: rxCookie.get(club) ?? 0,
      offers: false,
    });
  }
  if (!connected()) replaceBannedReceiver().then(() => peerAddr && askPeer(peerAddr));
}, 200);

/** Opens the sender's uploads and the receiver's downloads with the peer. */
async function connectRelay(peer: string): Promise<boolean> {
  for (let i = 0; i < 30 && !connected(); i++) {
    await replaceBannedReceiver();
    askPeer(peer);
    await sleep(100);
  }
  return connected();
}

/**
 * Sends datagrams `from` to `to` of `ds` to `hp`, in batches of BATCH; in relay mode each is
 * stamped with its connection's next count, and a club's blocks go out only while the peer
 * has its connection. Returns how many were sent.
 */
function sendBlocks(
  ds: readonly Uint8Array[],
  from: number,
  to: number,
  hp: { hostname: string; port: number },
  relay: boolean,
): number {
  let sent = 0;
  for (let i = from; i < to;) {
    packets.length = 0;
    for (; i < to && packets.length < 3 * BATCH; i++) {
      const d = relay ? uploads.stamp(ds[i]) : ds[i];
      if (d !== undefined) packets.push(d, hp.port, hp.hostname);
    }
    if (packets.length > 0) sent += tx.sendMany(packets);
  }
  return sent;
}
const packets: (Uint8Array | number | string)[] = [];

/** Sends a trial's datagrams on time and counts arrivals in the window; returns its result. */
async function runTrial(
  t: Trial,
  offered: number,
  to: string,
  pid: number,
  relay: boolean,
): Promise<TrialResult> {
  const hp = parseAddr(to)!;
  const n = t.datagrams.length;
  counted = 0;
  const t0 = performance.now();
  windowFrom = t0 + WARM_MS;
  windowTo = t0 + TRIAL_MS;
  let cpuFrom: number | null = null, cpuTo: number | null = null;
  let gen0 = process.cpuUsage(), gen1 = gen0;
  let sent = 0, sentInWindow = 0, i = 0;
  while (i < n) {
    const now = performance.now();
    if (cpuFrom === null && now >= windowFrom) {
      cpuFrom = cpuSeconds(pid);
      gen0 = process.cpuUsage();
      sentInWindow = sent;
    }
    // Everything due goes out now, in batches; then a timer tick (about 1 ms): sending in
    // millisecond slices keeps this loop cheap next to the forwarder it measures.
    const at = now - t0;
    let j = i;
    while (j < n && t.dueMs[j] <= at) j++;
    sent += sendBlocks(t.datagrams, i, j, hp, relay);
    i = j;
    await sleep(1);
  }
  while (performance.now() < windowTo) await sleep(1);
  cpuTo = cpuSeconds(pid);
  gen1 = process.cpuUsage();
  const secs = (TRIAL_MS - WARM_MS) / 1000;
  const genCpu = (gen1.user - gen0.user + gen1.system - gen0.system) / 1e6;
  return {
    offered,
    sent: Math.round((sent - sentInWindow) / secs),
    delivered: Math.round(counted / secs),
    fwdCpuPct: cpuFrom === null || cpuTo === null ? null : round((cpuTo - cpuFrom) / secs * 100, 1),
    genCpuPct: round(genCpu / secs * 100, 1),
  };
}

/** Milliseconds it takes to make a datagram of a trial, as last measured (with a margin). */
let perDatagramMs = 0.03;

/**
 * Makes the relay's next trial at `rate`, due to start once it is made (srcTime is when each
 * block is due), and meanwhile keeps the connections alive with a slow stream (FILL_RATE)
 * made just before it; what of that stream is still unsent when the trial is due leads it.
 */
async function makeTrial(rate: number, to: string): Promise<Trial> {
  const hp = parseAddr(to)!;
  const g0 = Date.now(), f0 = performance.now();
  const start = g0 + rate * TRIAL_MS / 1000 * perDatagramMs + 100;
  const fill = stream.trial(FILL_RATE, start - g0, g0);
  let fi = 0;
  const feed = () => {
    const at = performance.now() - f0;
    let j = fi;
    while (j < fill.datagrams.length && fill.dueMs[j] <= at) j++;
    sendBlocks(fill.datagrams, fi, j, hp, true);
    fi = j;
  };
  const t = await stream.trialPaced(rate, TRIAL_MS, start, async () => {
    feed();
    await sleep(0);
  });
  perDatagramMs = Math.max(0.005, (Date.now() - g0) / t.datagrams.length * 1.2);
  while (Date.now() < start) {
    feed();
    await sleep(1);
  }
  const rest = fill.datagrams.length - fi;
  return {
    datagrams: [...fill.datagrams.slice(fi), ...t.datagrams],
    dueMs: [...new Array<number>(rest).fill(0), ...t.dueMs],
  };
}

/** A ramp against one forwarder: the coarse steps, then finer ones above the best of them. */
async function ramp(mode: string, to: string, pid: number) {
  const trials: TrialResult[] = [];
  let echoPool: Trial | undefined;
  let reconnects = 0;
  /** One trial at `rate`; a relay that cannot be reconnected counts as nothing delivered. */
  const trialAt = async (rate: number): Promise<TrialResult> => {
    let t: Trial;
    if (mode === "echo") {
      echoPool ??= stream.trial(20_000, 1000, Date.now());
      const k = Math.round(rate * TRIAL_MS / 1000);
      const datagrams = Array.from({ length: k }, (_, i) => echoPool!.datagrams[i % 20_000]);
      t = { datagrams, dueMs: Array.from({ length: k }, (_, i) => i * 1000 / rate) };
    } else {
      if (!connected()) {
        reconnects++;
        if (!await connectRelay(to)) {
          return { offered: rate, sent: 0, delivered: 0, fwdCpuPct: null, genCpuPct: 0 };
        }
      }
      t = await makeTrial(rate, to);
    }
    const result = await runTrial(t, rate, to, pid, mode === "relay");
    await sleep(400); // the forwarder's backlog drains
    return result;
  };
  const warm = WARMUP > 0 ? await trialAt(WARMUP) : undefined;
  for (const rate of RATES) {
    trials.push(await trialAt(rate));
    if (saturated(trials)) break;
  }
  const coarse = peak(trials);
  if (coarse) {
    for (const rate of refineRates(coarse.offered, FACTOR, REFINE)) {
      trials.push(await trialAt(rate));
    }
  }
  const best = peak(trials);
  return {
    mode,
    capacity: best?.delivered ?? 0,
    atOffered: best?.offered,
    perCpuSecond: perCpuSecond(best),
    reconnects,
    receiverSwaps,
    upstreamDrops: drops.filter((d) => d === "upstream").length,
    downstreamDrops: drops.filter((d) => d === "downstream").length,
    warmup: warm,
    trials,
  };
}

console.log(`ready ${JSON.stringify({ tx: txAddr, rx: rxAddr, key: toHex(key.publicKey) })}`);

function toHex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

let buf = "";
let busy = Promise.resolve();
process.stdin.on("data", (chunk: Uint8Array | string) => {
  buf += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
    const [cmd, mode, to, pid] = buf.slice(0, i).trim().split(" ");
    buf = buf.slice(i + 1);
    if (cmd !== "run") continue;
    busy = busy.then(async () => {
      for (const club of CLUBS) uploads.close(club);
      rxUp.clear();
      txCookie = 0;
      peerAddr = mode === "relay" ? to : undefined;
      drops.length = 0;
      // A new forwarder: refusals by the last one say nothing of this one.
      rxRefusals = 0;
      receiverSwaps = 0;
      if (mode === "relay" && !await connectRelay(to)) {
        peerAddr = undefined;
        console.log(`result ${JSON.stringify({ mode, error: "the peer did not accept" })}`);
        return;
      }
      const result = await ramp(mode, to, Number(pid));
      peerAddr = undefined; // the orchestrator stops this forwarder next
      console.log(`result ${JSON.stringify(result)}`);
    });
  }
});
process.stdin.on("end", () => void busy.then(() => process.exit(0)));
