/**
 * `deno task report`: runs every design through every scenario (sim/report/matrix.ts), one
 * simulator process per run, and writes docs/results.md with its tables and SVG charts
 * (docs/results/), and every run's command and JSON (docs/results/runs.jsonl).
 * `--render-only` makes the markdown and charts again from runs.jsonl without running.
 */
import { parseArgs } from "node:util";
import { argsErrorMessage } from "../../lib/net/cli_args.ts";
import { planRuns, REPORT_DEFAULTS, type ReportOptions } from "./matrix.ts";
import { render } from "./render.ts";
import { describeMachine, type Machine, type RunResult, runSim } from "./run.ts";

const HELP = `deno task report [options]

Runs the matrix of designs and scenarios in the simulator, one process per run, and writes
docs/results.md, its charts (docs/results/*.svg) and every run (docs/results/runs.jsonl).
Heavy: run it niced (nice -n 19 deno task report) on a shared machine.

  --peers N        swarm size of the matrix (default ${REPORT_DEFAULTS.peers})
  --seed K         seed of every run (default ${REPORT_DEFAULTS.seed})
  --network M      uniform or regions (default ${REPORT_DEFAULTS.network})
  --seconds S      measured seconds of each scenario (default ${REPORT_DEFAULTS.seconds})
  --churn-seconds S  measured seconds of churn (default ${REPORT_DEFAULTS.churnSeconds})
  --sizes N,...    swarm sizes of the cost runs (default ${REPORT_DEFAULTS.sizes.join(",")})
  --designs D,...  designs (default ${REPORT_DEFAULTS.designs.join(",")})
  --scenarios S,...  scenarios (default all)
  --out FILE       the markdown (default docs/results.md; charts and runs beside it)
  --render-only    make the markdown and charts again from the runs already recorded
  --resume         keep the runs already recorded (same settings) and run the rest
                   (delete runs from runs.jsonl to make them again; the report
                   names each commit its runs were made at)
  -h, --help       this help
`;

/** Parses the command line; throws Error with a readable message. */
export function parseReportArgs(
  args: string[],
): { o: ReportOptions; out: string; renderOnly: boolean; resume: boolean } | "help" {
  const { values: v } = parseArgs({
    args,
    options: {
      peers: { type: "string" },
      seed: { type: "string" },
      network: { type: "string" },
      seconds: { type: "string" },
      "churn-seconds": { type: "string" },
      sizes: { type: "string" },
      designs: { type: "string" },
      scenarios: { type: "string" },
      out: { type: "string" },
      "render-only": { type: "boolean", default: false },
      resume: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (v.help) return "help";
  const d = REPORT_DEFAULTS;
  const int = (name: string, s: string | undefined, def: number, min: number) => {
    if (s === undefined) return def;
    const x = Number(s);
    if (!Number.isInteger(x) || x < min) throw new Error(`--${name}: bad value "${s}"`);
    return x;
  };
  const list = (name: string, s: string | undefined, all: readonly string[]) => {
    if (s === undefined) return all;
    const xs = s.split(",").map((x) => x.trim()).filter((x) => x);
    for (const x of xs) if (!all.includes(x)) throw new Error(`--${name}: unknown "${x}"`);
    return xs;
  };
  if (v.network !== undefined && v.network !== "uniform" && v.network !== "regions") {
    throw new Error(`--network: "${v.network}" is neither uniform nor regions`);
  }
  const sizes = v.sizes === undefined
    ? d.sizes
    : v.sizes.split(",").map((s) => int("sizes", s, 0, 1));
  return {
    o: {
      peers: int("peers", v.peers, d.peers, 2),
      seed: int("seed", v.seed, d.seed, 0),
      network: (v.network as ReportOptions["network"] | undefined) ?? d.network,
      seconds: int("seconds", v.seconds, d.seconds, 3),
      churnSeconds: int("churn-seconds", v["churn-seconds"], d.churnSeconds, 3),
      sizes,
      designs: list("designs", v.designs, d.designs),
      scenarios: list("scenarios", v.scenarios, d.scenarios),
    },
    out: v.out ?? "docs/results.md",
    renderOnly: v["render-only"],
    resume: v.resume,
  };
}

/** The directory of `file` ("." for a bare name). */
const dirOf = (file: string) => (file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".");

/**
 * What runs.jsonl holds: the settings and machine first, then one line per run as it ends
 * (so a report cut short keeps what it ran, and `--resume` goes on from there).
 */
interface Header {
  readonly o: ReportOptions;
  readonly machine: Machine;
}

/** The header and runs recorded in `file`. */
function readRuns(file: string): { header: Header; results: RunResult[] } {
  const lines = Deno.readTextFileSync(file).trim().split("\n").map((l) => JSON.parse(l));
  return { header: lines[0], results: lines.slice(1) };
}

/** The same run (kind, design, scenario, arguments). */
const sameRun = (a: RunResult["run"], b: RunResult["run"]) =>
  a.kind === b.kind && a.args.join(" ") === b.args.join(" ");

async function main(args: string[]): Promise<void> {
  const p = parseReportArgs(args);
  if (p === "help") return console.log(HELP);
  const dir = dirOf(p.out), runsFile = `${dir}/results/runs.jsonl`;
  // What the report writes (as git names them: `deno task` runs at the repository's top), so
  // that writing them does not mark the runs as made with uncommitted changes.
  const outputs = [p.out, `${dir === "." ? "" : `${dir}/`}results/`];
  let header: Header, results: RunResult[];
  if (p.renderOnly) ({ header, results } = readRuns(runsFile));
  else {
    results = [];
    header = { o: p.o, machine: await describeMachine(outputs) };
    if (p.resume) {
      const before = readRuns(runsFile);
      if (JSON.stringify(before.header.o) !== JSON.stringify(p.o)) {
        throw new Error("--resume: the recorded runs were made with other settings");
      }
      ({ header, results } = before);
    } else {
      Deno.mkdirSync(`${dir}/results`, { recursive: true });
      Deno.writeTextFileSync(runsFile, JSON.stringify(header) + "\n");
    }
    const runs = planRuns(p.o);
    for (const [i, run] of runs.entries()) {
      if (results.some((r) => sameRun(r.run, run))) continue;
      const t = performance.now();
      const r = await runSim(run, outputs);
      results.push(r);
      Deno.writeTextFileSync(runsFile, JSON.stringify(r) + "\n", { append: true });
      console.error(
        `[${i + 1}/${runs.length}] ${run.args.join(" ")}: ${
          ((performance.now() - t) / 1000).toFixed(0)
        } s`,
      );
    }
  }
  const wallSeconds = results.reduce((a, r) => a + (r.report.wallSeconds as number), 0);
  let old = "";
  try {
    old = Deno.readTextFileSync(p.out);
  } catch { /* a first report */ }
  const r = render(header.o, results, header.machine, wallSeconds, old);
  Deno.mkdirSync(`${dir}/results`, { recursive: true });
  Deno.writeTextFileSync(p.out, r.markdown);
  for (const [name, svg] of Object.entries(r.svgs)) Deno.writeTextFileSync(`${dir}/${name}`, svg);
  // The markdown as deno fmt lays it out (tables aligned), so the repository's check passes.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", p.out] }).output();
  console.error(`wrote ${p.out} and ${Object.keys(r.svgs).length} charts`);
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (e) {
    console.error(`report: ${argsErrorMessage("report", e, Deno.args)}`);
    Deno.exit(2);
  }
}
