import { assert, assertEquals, assertThrows } from "../../lib/testing.ts";
import { parseReportArgs } from "./main.ts";
import { planRuns, REPORT_DEFAULTS, type Run } from "./matrix.ts";
import {
  commitsNote,
  NOTES_END,
  NOTES_START,
  recovery,
  render,
  SECURITY_END,
  SECURITY_START,
} from "./render.ts";
import { changedOutside, type Machine, type RunResult } from "./run.ts";

const machine: Machine = {
  commit: "abc1234",
  dirty: false,
  cpu: "test CPU",
  cores: 2,
  memGiB: 8,
  deno: "2.x",
  os: "linux",
  load: [1, 1, 1],
  date: "2026-01-01 00:00 UTC",
};

/** A report as the simulator would print it, with the figures that matter here. */
function fake(run: Run, over: Record<string, unknown> = {}): RunResult {
  const series = Array.from({ length: 30 }, () => 1);
  return {
    run,
    command: "deno run -A sim/main.ts",
    report: {
      delivery: 0.999,
      latencyMs: { p50: 500, p90: 900, p99: 1500, max: 2000 },
      startupMs: { p50: 400, p99: 900 },
      duplicateRatio: 0.05,
      controlOverhead: 0.008,
      sourceUploadRatio: 2.1,
      events: 1e6,
      wallSeconds: 10,
      peakRssMB: 200,
      joinedPeers: 300,
      startedPeers: 300,
      latencyCdf: [[0.5, 500], [0.99, 1500]],
      series: { fromSecond: 10, delivery: series, survivorDelivery: series },
      ...(run.scenario === "failure" || run.scenario === "churn"
        ? { deliveryAfterFailure: 0.995 }
        : {}),
      ...over,
    },
  };
}

Deno.test("the report's flags are parsed and bad ones refused", () => {
  const p = parseReportArgs(["--peers", "500", "--sizes", "100,300", "--designs", "clubs,tree"]);
  assert(p !== "help");
  assertEquals([p.o.peers, p.o.sizes, p.o.designs, p.out], [
    500,
    [100, 300],
    ["clubs", "tree"],
    "docs/results.md",
  ]);
  assertThrows(() => parseReportArgs(["--designs", "gossip"]));
  assertThrows(() => parseReportArgs(["--peers", "many"]));
  assertThrows(() => parseReportArgs(["--network", "moon"]));
});

Deno.test("the matrix runs every design through every scenario, plus the extras and sizes", () => {
  const runs = planRuns(REPORT_DEFAULTS);
  const matrix = runs.filter((r) => r.kind === "matrix");
  assertEquals(matrix.length, REPORT_DEFAULTS.designs.length * REPORT_DEFAULTS.scenarios.length);
  assertEquals(runs.filter((r) => r.kind === "cost").map((r) => r.peers), [100, 200, 400, 800]);
  const churn = matrix.find((r) => r.scenario === "churn" && r.design === "tree")!;
  assertEquals(churn.args.slice(-2), ["--seconds", "120"]);
  assert(churn.args.includes("regions"));
});

Deno.test("the report checks issue 5's claims against the runs and keeps hand-written notes", () => {
  const o = { ...REPORT_DEFAULTS, sizes: [100] };
  const results = planRuns(o).map((run) => {
    if (run.design === "flood") return fake(run, { duplicateRatio: 2.5 });
    if (run.design === "pull") return fake(run, { latencyMs: { p50: 3000, p90: 5000, p99: 6000 } });
    if (run.design === "tree" && run.scenario === "churn") return fake(run, { delivery: 0.98 });
    if (run.design === "tree" && run.scenario === "scarce") {
      return fake(run, { delivery: 0.9995, startedPeers: 250 });
    }
    return fake(run);
  });
  const old = `# old\n\n${NOTES_START}\nWhy clubs lose on scarce: ...\n${NOTES_END}\n`;
  const r = render(o, results, machine, 600, old);
  const md = r.markdown;
  assert(
    md.includes(
      "| flood's duplicateRatio at least 3x clubs' (hetero) | flood 2.5, clubs 0.05 | yes |",
    ),
  );
  assert(md.includes("pull 6000 ms, clubs 1500 ms | yes |"));
  assert(md.includes("tree 0.98, clubs 0.999 | yes |"));
  assert(
    md.includes(
      "- scarce: tree has the better delivery (0.9995 against 0.999, but only 250/300 of its peers started playing, against 300/300)",
    ),
    "a loss is said, with how many started",
  );
  assert(md.includes("| scarce | tree | 0.9995 | 250/300 |"), "the table says how many started");
  assert(md.includes("Why clubs lose on scarce"), "notes kept");
  assert(md.includes("`abc1234`") && md.includes("seed 1"));
  assertEquals(
    Object.keys(r.svgs).sort(),
    [
      "results/cost.svg",
      "results/delivery-churn-zoom.svg",
      "results/delivery-churn.svg",
      "results/delivery-failure-zoom.svg",
      "results/delivery-failure.svg",
      "results/latency-cdf.svg",
      "results/overhead.svg",
    ],
  );
});

Deno.test("issue 6: the malicious run is planned and shown; the measured figures survive a new report", () => {
  const o = { ...REPORT_DEFAULTS, sizes: [] };
  const sec = planRuns(o).filter((r) => r.kind === "security");
  assertEquals(sec.length, 1);
  assertEquals(sec[0].args.slice(-2), ["--malicious", "0.1"]);
  assert(sec[0].args.includes("regions") && sec[0].args.includes("300"));
  const results = planRuns(o).map((run) =>
    run.kind === "security"
      ? {
        ...fake(run, {
          delivery: 0.9931,
          forgedAccepted: 0,
          forged: { made: 17000, storedByHonest: 0 },
          maliciousPeers: { forger: { peers: 10, bannedPeers: 10, bans: 900 } },
        }),
        commit: "def5678",
      }
      : fake(run)
  );
  const table = "| fuzz | 0 exceptions | `deno task fuzz --runs 1000000` |";
  const old =
    `# old\n\n${SECURITY_START}\n${table}\n${SECURITY_END}\n\n${NOTES_START}\nn\n${NOTES_END}`;
  const md = render(o, results, machine, 600, old).markdown;
  assert(md.includes("## Hostile networks (issue 6)"));
  assert(
    md.includes(
      "| honest peers' delivery (issue 6: at least 0.99) | **0.9931** (no malicious peers, the hetero row above: 0.999) |",
    ),
  );
  assert(
    md.includes(
      "| forgedAccepted: forged blocks honest peers played or relayed (must be 0) | **0** (stored: 0) |",
    ),
  );
  assert(md.includes("10 of 10 (900 bans)") && md.includes("at commit `def5678`"));
  assert(md.includes(table), "the measured figures are kept");
  assert(md.indexOf(SECURITY_START) < md.indexOf(NOTES_START), "in their own section");
  const fresh = render(o, results.filter((r) => r.run.kind !== "security"), machine, 600).markdown;
  assert(fresh.includes("not among this report's runs") && fresh.includes("(none recorded yet)"));
});

Deno.test("recovery is the time after the failure from which every second is at 0.99 or more", () => {
  const o = { ...REPORT_DEFAULTS, seconds: 30 };
  const ys = Array.from({ length: 30 }, (_, i) => (i >= 10 && i < 14 ? 0.8 : i === 12 ? null : 1));
  const r = fake({ kind: "matrix", design: "clubs", scenario: "failure", peers: 1, args: [] }, {
    series: { fromSecond: 10, delivery: ys, survivorDelivery: ys },
  });
  assertEquals(recovery(r.report as never, o), 4);
  const never = [...ys.slice(0, 29), 0.5];
  const r2 = fake({ kind: "matrix", design: "clubs", scenario: "failure", peers: 1, args: [] }, {
    series: { fromSecond: 10, delivery: never, survivorDelivery: never },
  });
  assertEquals(recovery(r2.report as never, o), undefined);
});

Deno.test("the report's own files do not count as uncommitted changes, others do", () => {
  const outputs = ["docs/results.md", "docs/results/"];
  assertEquals(changedOutside(" M docs/results/runs.jsonl\n M docs/results.md\n", outputs), []);
  assertEquals(
    changedOutside(
      " M docs/results/runs.jsonl\nM  sim/swarm.ts\nR  a.ts -> docs/results.mdx\n",
      outputs,
    ),
    ["sim/swarm.ts", "docs/results.mdx"],
  );
  assertEquals(changedOutside("", outputs), []);
});

Deno.test("a report whose runs were made at several commits says which runs are which", () => {
  const o = { ...REPORT_DEFAULTS, sizes: [] };
  const runs = planRuns(o);
  const same = runs.map((run) => ({ ...fake(run), commit: "abc1234" }));
  assertEquals(commitsNote(same, "abc1234"), undefined);
  const md0 = render(o, same, machine, 600).markdown;
  assert(!md0.includes("not all made at the commit above"));
  const mixed = runs.map((run) => ({
    ...fake(run),
    commit: run.design === "clubs" ? "fed9876" : "abc1234",
  }));
  const clubs = runs.filter((r) => r.design === "clubs").length;
  const md = render(o, mixed, machine, 600).markdown;
  assert(md.includes("not all made at the commit above"));
  assert(md.includes(`\`fed9876\` (${clubs} runs: clubs)`), "the re-made runs are named");
  assert(md.includes(`\`abc1234\` (${runs.length - clubs} runs: flood, pull, tree)`));
});
