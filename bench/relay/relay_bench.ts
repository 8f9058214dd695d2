/**
 * Relay against echo, per runtime: packets per second one peer receives, verifies and relays
 * in-club on loopback, against a bare UDP echo loop through the same adapter in the same
 * runtime. A Bun load generator (loadgen.ts, pinned to CPU 0) sends real signed blocks of one
 * club at rising rates; the forwarder (forwarder.ts, pinned to CPU 1) is the echo loop or a
 * real peer core; the receiver counts what arrives. The capacity is the most delivered per
 * second in any 2 s trial (ramp.ts). The peer is wired as peer/session.ts wires it (natively
 * checked signatures and natively hashed leaves where the runtime has them).
 *
 * Adapters: deno (deno_udp), ffi (linux_udp under Deno), node (node_udp under Bun), bunffi
 * (linux_udp under Bun), bun (bun_udp).
 *
 *     deno run -A bench/relay/relay_bench.ts [--json] [--adapters deno,node,bun] [--sig-batch N]
 */
import { benchArgs, benchChoice, benchNumbers, intRange } from "../lib/cli.ts";
import { DEFAULT_BATCH_COUNT } from "../../lib/source/batcher.ts";
import { ratio } from "../lib/stats.ts";
import { canPin, spawnChild } from "../lib/child.ts";
import { PEER_V8_FLAGS } from "../../peer/v8_flags.ts";

const USAGE = `deno run -A bench/relay/relay_bench.ts [options]

Relay against echo on loopback, per runtime and adapter (bench/README.md).

  --json             one JSON object on one line
  --adapters LIST    deno, ffi, node, bunffi, bun, comma-separated (default deno,node,bun)
  --trial-ms MS      each trial's length (default 2000)
  --sig-batch N      data blocks per signed batch (default the source's)
  -h, --help         this help`;

const HERE = new URL(".", import.meta.url).pathname;

/** One runtime+adapter: how to start its forwarder. */
interface Target {
  readonly name: string;
  readonly runtime: "deno" | "bun";
  readonly adapter: "deno" | "ffi" | "node" | "bun";
}

const TARGETS: Record<string, Target> = {
  deno: { name: "deno (deno_udp)", runtime: "deno", adapter: "deno" },
  ffi: { name: "deno (linux_udp, FFI)", runtime: "deno", adapter: "ffi" },
  node: { name: "bun (node_udp)", runtime: "bun", adapter: "node" },
  bunffi: { name: "bun (linux_udp, FFI)", runtime: "bun", adapter: "ffi" },
  bun: { name: "bun (bun_udp)", runtime: "bun", adapter: "bun" },
};

function forwarderCommand(t: Target, mode: "echo" | "relay", args: string[]): [string, string[]] {
  const file = `${HERE}forwarder.ts`;
  // The relay is a peer: under Deno it runs with the `peer` program's V8 flag, as
  // `deno task peer` does (the echo loop, the runtime's limit, with V8's defaults).
  const v8 = mode === "relay" ? [PEER_V8_FLAGS] : [];
  return t.runtime === "deno"
    ? [Deno.execPath(), [
      "run",
      "-A",
      "--unstable-net",
      ...v8,
      file,
      "--adapter",
      t.adapter,
      ...args,
    ]]
    : ["bun", ["run", file, "--adapter", t.adapter, ...args]];
}

/** Runs echo and relay ramps for each target; returns the figures. */
export async function relayBench(
  adapters: readonly string[],
  loadgenArgs: readonly string[] = [],
  log: (s: string) => void = () => {},
): Promise<Record<string, unknown>> {
  const pinned = await canPin();
  const gen = await spawnChild("bun", ["run", `${HERE}loadgen.ts`, ...loadgenArgs], { cpu: 0 });
  const out: Record<string, unknown> = { pinned };
  try {
    const ready = JSON.parse(await gen.line("ready", 60_000));
    for (const a of adapters) {
      const t = TARGETS[a];
      if (!t) throw new RangeError(`unknown adapter ${a}`);
      const res: Record<string, unknown> = { name: t.name };
      for (const mode of ["echo", "relay"] as const) {
        const extra = mode === "echo"
          ? ["--mode", "echo", "--to", ready.rx]
          : ["--mode", "relay", "--key", ready.key, "--source", ready.tx];
        const [cmd, args] = forwarderCommand(t, mode, extra);
        const fwd = await spawnChild(cmd, args, { cpu: 1 });
        try {
          const addr = await fwd.line("ready", 60_000);
          await gen.write(`run ${mode === "echo" ? "echo" : "relay"} ${addr} ${fwd.pid}`);
          const r = JSON.parse(await gen.line("result"));
          await fwd.write("stats");
          r.forwarderStats = JSON.parse(await fwd.line("stats", 10_000));
          res[mode] = r;
          log(`relay bench: ${t.name} ${mode}: ${r.capacity} datagrams/s (at ${r.atOffered})`);
        } finally {
          await fwd.stop();
        }
      }
      const cap = (k: string) => (res[k] as { capacity: number }).capacity;
      res.echoPps = cap("echo");
      res.relayPps = cap("relay");
      res.relayVsEcho = ratio(cap("relay"), cap("echo"));
      // The same comparison per CPU-second of the forwarder (ramp.ts perCpuSecond).
      const perCpu = (k: string) => (res[k] as { perCpuSecond: number | null }).perCpuSecond;
      res.relayVsEchoPerCpu = ratio(perCpu("relay"), perCpu("echo"));
      out[a] = res;
    }
  } finally {
    await gen.stop();
  }
  return out;
}

if (import.meta.main) {
  const values = benchArgs("relay_bench", USAGE, Deno.args, {
    json: { type: "boolean", default: false },
    adapters: { type: "string", default: "deno,node,bun" },
    "trial-ms": { type: "string", default: "2000" },
    // Data blocks per signed batch in the offered stream (by default the source's, which
    // at these rates fill to DEFAULT_BATCH_COUNT).
    "sig-batch": { type: "string", default: String(DEFAULT_BATCH_COUNT) },
  });
  const adapters = values.adapters.split(",")
    .map((a) => benchChoice("relay_bench", "--adapters", a, Object.keys(TARGETS)));
  // Checked here, used by loadgen.ts.
  benchNumbers("relay_bench", values, { "trial-ms": intRange(100), "sig-batch": intRange(1, 32) });
  const r = await relayBench(
    adapters,
    ["--trial-ms", values["trial-ms"], "--sig-batch", values["sig-batch"]],
    (s) => console.error(s),
  );
  console.log(JSON.stringify(r, null, values.json ? undefined : 2));
}
