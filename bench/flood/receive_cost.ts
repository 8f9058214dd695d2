/**
 * What a datagram of the junk flood costs the receiving peer, by stage, in one process: a
 * Deno UDP socket on loopback (lib/net/deno_udp.ts) fed by flooder.ts (under Bun) at `--rate`
 * datagrams a second for `--seconds`, with, in turn,
 *
 * - `socket`: a handler that only counts (the UDP receive loop alone),
 * - `peer`: a real PeerCore (the programs' settings) in a NodeDriver, as the peer program
 *   wires them (head check, decode, the core, replies),
 *
 * each on Deno's socket with batch reads on and off (deno_udp.ts, recv_batch.ts) and on the
 * programs' socket (udp.ts's openUdp: linux_udp.ts's FFI socket where it works), alternating,
 * `--rounds` times. Reported per
 * variant: datagrams read per second and this process's CPU (utime + stime) per datagram read,
 * the median of the rounds. The flood benchmark (flood_bench.ts) measures the whole program in a
 * swarm; on a shared machine its delivered fraction follows the CPU share the peer gets, while
 * this cost per datagram is what the code sets.
 *
 *     deno run -A --unstable-net bench/flood/receive_cost.ts [--rate 20000] [--seconds 8] [--rounds 3]
 */
import { standinPair } from "../../lib/auth/standin.ts";
import { openDenoUdp } from "../../lib/net/deno_udp.ts";
import { openUdp } from "../../lib/net/udp.ts";
import { NodeDriver } from "../../lib/net/driver.ts";
import { PROGRAM_CONFIG } from "../../lib/peer/config.ts";
import { PeerCore } from "../../lib/peer/peer.ts";
import { Rng } from "../../lib/rand.ts";
import { spawnChild } from "../lib/child.ts";
import { benchArgs, benchNumbers, intRange } from "../lib/cli.ts";
import { cpuSeconds, machineInfo } from "../lib/proc.ts";
import { median, round } from "../lib/stats.ts";

const USAGE = `deno run -A --unstable-net bench/flood/receive_cost.ts [options]

What a junk datagram costs the receiving peer, by stage, in one process (bench/README.md).
Needs Bun for the flooder.

  --rate N      junk datagrams a second (default 20000)
  --seconds S   each variant's measured seconds (default 8)
  --rounds N    rounds of all variants, alternating; the figures are medians (default 3)
  -h, --help    this help`;

const TAG = 0x075bcd15;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sockets compared: Deno's with and without batch reads, and the programs'. */
type Socket = "deno_udp" | "deno_udp without batch reads" | "the programs' (linux_udp)";

/** One variant's round: datagrams read per second, CPU µs per datagram read. */
async function round1(what: "socket" | "peer", socket: Socket, rate: number, seconds: number) {
  const bind = { hostname: "127.0.0.1", port: 0 };
  const t = socket === "the programs' (linux_udp)"
    ? await openUdp(bind)
    : await openDenoUdp({ ...bind, batch: socket === "deno_udp" });
  let driver: NodeDriver | undefined;
  if (what === "socket") t.onReceive(() => {});
  else {
    const core = new PeerCore(Date.now(), {
      self: t.local,
      role: "peer",
      clubs: 4,
      myClubs: [0, 1],
      suite: standinPair(42, 7).suite,
      rng: new Rng(1),
      config: PROGRAM_CONFIG,
    });
    driver = new NodeDriver(core, t, { tag: TAG });
    driver.start();
  }
  const flooder = await spawnChild("bun", [
    "run",
    new URL("./flooder.ts", import.meta.url).pathname,
    ...["--to", t.local, "--tag", String(TAG), "--clubs", "4", "--rate", String(rate)],
  ]);
  try {
    await flooder.line("ready", 120_000);
    await sleep(1000);
    const c0 = cpuSeconds(Deno.pid)!, n0 = t.stats.datagramsIn, w0 = performance.now();
    await sleep(seconds * 1000);
    const c1 = cpuSeconds(Deno.pid)!, n1 = t.stats.datagramsIn, w1 = performance.now();
    const n = n1 - n0;
    return { readPerSecond: n / ((w1 - w0) / 1000), cpuUsPerDatagram: ((c1 - c0) / n) * 1e6 };
  } finally {
    await flooder.stop(10_000);
    driver?.stop();
    await t.close();
  }
}

if (import.meta.main) {
  const v = benchArgs("receive_cost", USAGE, Deno.args, {
    rate: { type: "string", default: "20000" },
    seconds: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
  });
  const { rate, seconds, rounds } = benchNumbers("receive_cost", v, {
    rate: intRange(1),
    seconds: intRange(1),
    rounds: intRange(1),
  });
  const sockets: Socket[] = [
    "deno_udp",
    "deno_udp without batch reads",
    "the programs' (linux_udp)",
  ];
  const variants = (["socket", "peer"] as const).flatMap((w) =>
    sockets.map((s) => [w, s] as const)
  );
  const got = new Map<string, { readPerSecond: number; cpuUsPerDatagram: number }[]>();
  for (let r = 0; r < rounds; r++) {
    for (const [what, socket] of variants) {
      const name = `${what} on ${socket}`;
      const x = await round1(what, socket, rate, seconds);
      console.error(
        `round ${r + 1}: ${name}: ${round(x.readPerSecond, 0)}/s, ${
          round(x.cpuUsPerDatagram, 1)
        } µs`,
      );
      got.set(name, [...(got.get(name) ?? []), x]);
    }
  }
  const out: Record<string, unknown> = { rate, seconds, rounds, machine: machineInfo() };
  for (const [name, xs] of got) {
    out[name] = {
      readPerSecond: round(median(xs.map((x) => x.readPerSecond)), 0),
      cpuUsPerDatagram: round(median(xs.map((x) => x.cpuUsPerDatagram)), 1),
    };
  }
  console.log(JSON.stringify(out));
  Deno.exit(0);
}
