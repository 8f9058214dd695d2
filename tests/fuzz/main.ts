/**
 * `deno task fuzz [--runs N] [--seed S] [--spoof F] [--json]`: feeds N random and mutated
 * datagrams to a real peer through its driver and reports exceptions, state changes, the
 * outcome of each datagram and the cost per datagram. Exits 1 on any exception or violation.
 * With --json the last line of output is one JSON object (the FuzzReport plus timing).
 */
import { parseArgs } from "node:util";
import { argsErrorMessage } from "../../lib/net/cli_args.ts";
import { runFuzz } from "./fuzz.ts";

const USAGE = `usage: deno task fuzz [--runs N] [--seed S] [--spoof F] [--json]
  --runs N    datagrams to feed (default 20000)
  --seed S    seed of the generator and of the peer (default 1)
  --spoof F   fraction of mutated datagrams sent as from one of the peer's connections
              (default 0.02)
  --json      print one JSON object as the last line
  -h, --help  show this text`;

function main(args: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        runs: { type: "string", default: "20000" },
        seed: { type: "string", default: "1" },
        spoof: { type: "string", default: "0.02" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    console.error(`fuzz: ${argsErrorMessage("fuzz", e, args)}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs), seed = Number(values.seed), spoof = Number(values.spoof);
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
    console.error(`fuzz: --runs must be an integer >= 1 and --seed an integer\n${USAGE}`);
    return 2;
  }
  if (!(spoof >= 0 && spoof <= 1)) {
    console.error(`fuzz: --spoof must be a fraction in 0..1\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  const report = runFuzz({
    runs,
    seed,
    spoof,
    progressEvery: 100_000,
    onProgress: (n) => console.error(`fuzz: ${n} datagrams`),
  });
  const wallS = Math.round((performance.now() - started) / 10) / 100;
  const o = report.outcomes;
  console.log(
    `fuzz: ${runs} datagrams (seed ${seed}) in ${wallS} s: ${report.exceptions} exceptions, ` +
      `${report.violations} forbidden state changes\n` +
      `  cost per datagram: mean ${report.costUs.mean} µs, p50 ${report.costUs.p50}, ` +
      `p99 ${report.costUs.p99}, max ${report.costUs.max}\n` +
      `  refused before the core: ${o.undecodable} undecodable, ${o.invalid} invalid fields, ` +
      `${o.otherChannel} other channel\n` +
      `  from strangers: ${o.ignored} ignored, ${o.answered} answered, ` +
      `${o.connected} connected (${report.displaced} displacing one)\n` +
      `  spoofed from a connection: ${o.spoofForged} refused as forged (sender banned), ` +
      `${o.spoofIgnored} ignored, ${o.spoofChanged} changed connection state\n` +
      `  peer rebuilt ${report.rebuilds} times after an allowed change`,
  );
  for (const s of report.samples) console.log(`  ${s.outcome} #${s.run}: ${s.detail} (${s.ops})`);
  for (const s of report.slowest) {
    console.log(`  slow #${s.run}: ${s.detail}, ${s.outcome} (${s.ops.join(", ")})`);
  }
  if (values.json) console.log(JSON.stringify({ ...report, wallS }));
  return report.exceptions === 0 && report.violations === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(main(Deno.args));
