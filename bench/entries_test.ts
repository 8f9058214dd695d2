/**
 * Every benchmark script's command line, run as a process: `--help` prints its usage and
 * exits 0 without running anything, an unknown option or a bad value is one line on stderr
 * and exit 2 (bench/lib/cli.ts).
 */
import { assert, assertEquals } from "../lib/testing.ts";
import { which } from "../lib/net/which.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Each script under Deno, with one bad value it must refuse and the words that name it. */
const DENO: [file: string, bad: string[], says: string][] = [
  ["bench/main.ts", ["--tracker-rounds", "1.5"], "--tracker-rounds must be an integer"],
  ["bench/tracker/announce_bench.ts", ["--kv", "nope"], "--kv must be one of both, memory, file"],
  ["bench/tracker/vs_bittorrent.ts", ["--peers", "abc"], "--peers must be an integer >= 1"],
  ["bench/sim/scale.ts", ["--sizes", "10,x"], "--sizes must be an integer >= 1"],
  ["bench/start/joiner_start.ts", ["abc"], "LOSS must be a number from 0 to 1"],
  ["bench/swarm/heap_watch.ts", ["--seconds", "x"], "--seconds must be an integer"],
  ["bench/swarm/hop_delay.ts", ["--clubs", "1"], "--clubs must be an integer from 2 to 256"],
  ["bench/swarm/peer_cpu.ts", ["--runtime", "node"], "--runtime must be one of deno, bun"],
  ["bench/swarm/startup.ts", ["--trials", "0"], "--trials must be an integer >= 1"],
  ["bench/relay/crypto_micro.ts", ["--ms", "x"], "--ms must be an integer from 10"],
  ["bench/relay/forwarder.ts", ["--mode", "x"], "--mode must be one of echo, relay"],
  ["bench/relay/inproc.ts", ["--rounds", "x"], "--rounds must be an integer >= 1"],
  ["bench/relay/relay_bench.ts", ["--sig-batch", "33"], "--sig-batch must be an integer from 1"],
  ["bench/flood/flood_bench.ts", ["--sources", "300"], "--sources must be an integer from 1"],
  ["bench/flood/receive_cost.ts", ["--seconds", "abc"], "--seconds must be an integer >= 1"],
];

/** The scripts that run only under Bun. */
const BUN: [file: string, bad: string[], says: string][] = [
  ["bench/relay/loadgen.ts", ["--factor", "1"], "--factor must be a number >= 1.01"],
  ["bench/flood/flooder.ts", ["--to", "x"], "--to must be HOST:PORT"],
];

async function run(cmd: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

async function check(runner: string[], [file, bad, says]: [string, string[], string]) {
  const help = await run([...runner, file, "--help"]);
  assertEquals(help.code, 0, `${file} --help: ${help.err}`);
  assert(help.out.includes("-h, --help"), `${file} --help lists itself: ${help.out}`);
  assert(!/^\{/m.test(help.out), `${file} --help ran something (a JSON line): ${help.out}`);
  for (const args of [["--bogus"], bad]) {
    const r = await run([...runner, file, ...args]);
    const line = r.err.trim();
    assertEquals(r.code, 2, `${file} ${args.join(" ")}: ${r.err}`);
    assert(!line.includes("\n") && !line.includes("Uncaught"), `${file}: one line: ${r.err}`);
    assertEquals(r.out, "", `${file} ${args.join(" ")} ran something`);
    assert(
      line.includes(args[0] === "--bogus" ? "unknown option --bogus" : says),
      `${file}: ${line}`,
    );
  }
}

Deno.test("bench scripts under Deno: --help, unknown options and bad values", async () => {
  for (const entry of DENO) {
    await check([Deno.execPath(), "run", "-A", "--unstable-kv", "--unstable-net"], entry);
  }
});

Deno.test({
  name: "bench scripts under Bun: --help, unknown options and bad values",
  ignore: which("bun") === undefined,
  async fn() {
    for (const entry of BUN) await check(["bun", "run"], entry);
  },
});
