/**
 * The peer's own work per relayed block, without sockets: a real PeerCore driven by
 * NodeDriver, wired as forwarder.ts wires it (the programs' PROGRAM_CONFIG, the native
 * signature check and leaves), in clubs 0 and 1 of a 2-club channel, on a transport that
 * only counts what it is given. The channel's source (the upstream) and one in-club
 * downstream open their connections as loadgen.ts's do; then real signed block datagrams
 * (blocks.ts, batches of DEFAULT_BATCH_COUNT as the source makes them at these rates), made
 * before the clock starts, are handed in one by one at their planned times on a virtual
 * clock, and every one is relayed. Figures: CPU time of this process per datagram in (all
 * threads, user + system: process.cpuUsage), wall time, and under Deno the bytes allocated
 * on the JS heap (V8's count).
 * The socket path is what the relay benchmark's echo loop measures; this is the rest, and
 * on a shared machine CPU time is steadier than any rate.
 *
 *     deno run -A bench/relay/inproc.ts [--datagrams 60000] [--rounds 3] [--json]
 */
import { benchArgs, benchNumbers, intRange } from "../lib/cli.ts";
import process from "node:process";
import v8 from "node:v8";
import { runtimeName } from "../../lib/net/runtime.ts";
import { NodeDriver } from "../../lib/net/driver.ts";
import { NativeAuthCheck } from "../../lib/net/native_verify.ts";
import type { ReceiveHandler, Transport } from "../../lib/net/transport.ts";
import { newStats } from "../../lib/net/transport.ts";
import { PROGRAM_CONFIG } from "../../lib/peer/config.ts";
import { PeerCore } from "../../lib/peer/peer.ts";
import { Rng } from "../../lib/rand.ts";
import { encodeDatagram } from "../../lib/wire/codec.ts";
import { ByteArena } from "../../lib/wire/arena.ts";
import type { Msg } from "../../lib/wire/messages.ts";
import { median, round } from "../lib/stats.ts";
import { DEFAULT_BATCH_COUNT } from "../../lib/source/batcher.ts";
import { ClubStream, newStreamKey } from "./blocks.ts";
import { SendCounters } from "./send_counters.ts";

const USAGE = `deno run -A bench/relay/inproc.ts [options]   (or bun run)

The peer's own CPU time per relayed block, without sockets (bench/README.md).

  --datagrams N   blocks per round (default 60000)
  --rounds N      rounds; the figure is the median of rounds 2-4 (default 4)
  --json          one JSON object on one line
  -h, --help      this help`;

/** One round's figures. */
export interface InprocRound {
  readonly datagrams: number;
  /** Datagrams the peer sent: each block relayed once, and its own pings and the like. */
  readonly sent: number;
  readonly cpuUsPerDatagram: number;
  readonly wallUsPerDatagram: number;
  /** Bytes allocated on the JS heap per datagram (V8's total_allocated_bytes, Deno; null where
   * the runtime does not count them): the garbage the collector, which shares the relay's core,
   * has to clear. Unlike the times, the same on a busy machine as on an idle one. */
  readonly heapBytesPerDatagram: number | null;
}

const SOURCE = "127.0.0.1:1000", DOWN = "127.0.0.1:2000", SELF = "127.0.0.1:3000";
const RATE = 10_000;

/** Relays `datagrams` blocks through a fresh peer; returns its cost per datagram. */
export async function inprocRound(datagrams: number): Promise<InprocRound> {
  const key = newStreamKey();
  const stream = new ClubStream({ key, clubs: 2, batch: DEFAULT_BATCH_COUNT });
  const t0 = 1_700_000_000_000;
  let handler: ReceiveHandler = () => {};
  let sent = 0;
  const transport: Transport = {
    local: SELF,
    stats: newStats(),
    send: () => void sent++,
    copiesOnSend: true, // it only counts: done with the bytes at once, as linux_udp.ts is
    onReceive: (h) => void (handler = h),
    close: () => Promise.resolve(),
  };
  const native = await NativeAuthCheck.create(key.publicKey, key.tag);
  if (!native) throw new Error("this runtime has no native ed25519");
  let clock = t0;
  const core = new PeerCore(clock, {
    self: SELF,
    role: "peer",
    clubs: 2,
    myClubs: [0, 1],
    suite: native.suite(key.publicKey),
    rng: new Rng(1),
    source: SOURCE,
    config: PROGRAM_CONFIG,
    playback: { targetDelayMs: 3000 },
  });
  const driver = new NodeDriver(core, transport, {
    tag: key.tag,
    clock: () => clock,
    gate: (msg) => native.check(msg),
  });
  driver.start();
  const feed = (from: string, msg: Msg) => handler(from, encodeDatagram(key.tag, msg));
  // Source and downstream echo the peer's cookies, as peers that had its pongs do
  // (docs/protocol.md, "Address validation").
  const [up, down] = [core.guard.cookie(SOURCE), core.guard.cookie(DOWN)];
  const trial = stream.trial(RATE, datagrams * 1000 / RATE, t0);
  // The source's connections carry its cookie, which offsets their counters.
  const counters = new SendCounters(2);
  for (const club of [0, 1]) counters.open(club, up);
  // Bytes of their own for each datagram, as every transport hands them over: views of
  // large shared buffers, as linux_udp.ts and deno_udp.ts copy them out (lib/wire/arena.ts).
  // Not a small array each: under Bun that array has no ArrayBuffer until a view of it is
  // made, and making one then cost about 1 µs a datagram, which no transport pays.
  const arena = new ByteArena();
  const input = trial.datagrams.map((made) => {
    const d = counters.stamp(made)!;
    const bytes = arena.take(d.length);
    bytes.set(d);
    return bytes;
  });
  for (const club of [0, 1]) {
    feed(SOURCE, { t: "connect", club, dir: "up", clubs: [], have: null, cookie: up });
    feed(DOWN, { t: "connect", club, dir: "down", clubs: [0, 1], have: null, cookie: down });
  }
  driver.flush();
  sent = 0;
  const heap0 = allocatedBytes();
  const cpu0 = process.cpuUsage(), wall0 = performance.now();
  for (let i = 0; i < input.length; i++) {
    clock = Math.floor(t0 + trial.dueMs[i]);
    // The downstream's keep-alives, and the housekeeping timer the driver would run.
    if (i % 100 === 0) {
      for (const club of [0, 1]) {
        feed(DOWN, { t: "keepalive", club, lead: true, cookie: down, offers: false });
      }
    }
    if (i % 50 === 0) core.handleTimeout(clock);
    handler(SOURCE, input[i]);
    driver.flush(); // one datagram in, its block out: the socket here hands over one at a time
  }
  const wall = performance.now() - wall0, cpu = process.cpuUsage(cpu0);
  const heap1 = allocatedBytes();
  driver.stop();
  const n = input.length;
  return {
    datagrams: n,
    sent,
    cpuUsPerDatagram: round((cpu.user + cpu.system) / n, 2),
    wallUsPerDatagram: round(wall * 1000 / n, 2),
    heapBytesPerDatagram: heap0 === null || heap1 === null ? null : Math.round((heap1 - heap0) / n),
  };
}

/** V8's count of bytes ever allocated on the JS heap, or null where the runtime has none. */
function allocatedBytes(): number | null {
  // Bun's node:v8 answers from JavaScriptCore, whose figure is no such count.
  if (runtimeName !== "deno") return null;
  const stats = v8.getHeapStatistics() as { total_allocated_bytes?: number };
  return typeof stats.total_allocated_bytes === "number" ? stats.total_allocated_bytes : null;
}

/** `rounds` rounds (the first warms the code up and is reported but not in the median). */
export async function inprocBench(
  datagrams: number,
  rounds: number,
): Promise<
  { rounds: InprocRound[]; cpuUsPerDatagram: number; heapBytesPerDatagram: number | null }
> {
  const out: InprocRound[] = [];
  for (let r = 0; r < rounds; r++) out.push(await inprocRound(datagrams));
  const counted = out.length > 1 ? out.slice(1) : out;
  return {
    rounds: out,
    cpuUsPerDatagram: round(median(counted.map((r) => r.cpuUsPerDatagram)), 2),
    heapBytesPerDatagram: counted[0].heapBytesPerDatagram === null
      ? null
      : Math.round(median(counted.map((r) => r.heapBytesPerDatagram!))),
  };
}

if (import.meta.main) {
  const values = benchArgs("inproc", USAGE, process.argv.slice(2), {
    datagrams: { type: "string", default: "60000" },
    rounds: { type: "string", default: "4" },
    json: { type: "boolean", default: false },
  });
  const n = benchNumbers("inproc", values, { datagrams: intRange(1), rounds: intRange(1) });
  const r = await inprocBench(n.datagrams, n.rounds);
  console.log(JSON.stringify(r, null, values.json ? undefined : 2));
}
