/**
 * Turns the report's runs into docs/results.md and its SVG charts. Every figure is read
 * from a run's JSON; the prose around them says how each was measured. Notes written by
 * hand between the NOTES markers of an existing results.md are kept, and so are issue 6's
 * figures between the SECURITY markers: tests and benchmarks the report does not run, each
 * with its command and the commit it was measured at.
 */
import type { ReportOptions } from "./matrix.ts";
import type { Machine, RunResult } from "./run.ts";
import { barChart, type Line, lineChart } from "./svg.ts";
import { SCENARIOS } from "../scenarios.ts";

/** The markers around the hand-written notes that a new report keeps. */
export const NOTES_START = "<!-- NOTES: written by hand, kept when the report is made again -->";
export const NOTES_END = "<!-- END NOTES -->";
/** The markers around issue 6's measured figures, which a new report keeps. */
export const SECURITY_START =
  "<!-- SECURITY: measured by the commands named, kept when the report is made again -->";
export const SECURITY_END = "<!-- END SECURITY -->";

/** The text between `start` and `end` of `old`, markers included, or `fallback` between them. */
function kept(old: string, start: string, end: string, fallback: string): string {
  const i = old.indexOf(start), j = old.indexOf(end);
  return i >= 0 && j > i ? old.slice(i, j + end.length) : `${start}\n\n${fallback}\n\n${end}`;
}

type Report = Record<string, unknown> & {
  delivery: number;
  deliveryAfterFailure?: number | null;
  latencyMs: Record<string, number>;
  startupMs: Record<string, number>;
  duplicateRatio: number;
  controlOverhead: number;
  sourceUploadRatio: number;
  events: number;
  wallSeconds: number;
  peakRssMB: number | null;
  joinedPeers: number;
  startedPeers: number;
  latencyCdf: [number, number][];
  series: { fromSecond: number; delivery: (number | null)[]; survivorDelivery?: (number | null)[] };
};

/** The files of a report: results.md and the charts, by path under docs/. */
export interface Rendered {
  readonly markdown: string;
  readonly svgs: Record<string, string>;
}

const fmt = (x: number | null | undefined, d = 4) =>
  x === undefined || x === null ? "–" : `${+x.toFixed(d)}`;

/** Peers that started playing, of those that joined. */
const started = (r: Report) => `${r.startedPeers}/${r.joinedPeers}`;

/** The report's markdown and charts. */
export function render(
  o: ReportOptions,
  results: readonly RunResult[],
  m: Machine,
  wallSeconds: number,
  oldMarkdown = "",
): Rendered {
  const get = (design: string, scenario: string, kind = "matrix") =>
    results.find((r) =>
      r.run.kind === kind && r.run.design === design && r.run.scenario === scenario
    )?.report as Report | undefined;
  const designs = o.designs, svgs: Record<string, string> = {};
  const md: string[] = [];
  md.push(
    "# Results: the club protocol against the classic designs",
    "",
    `Made by \`deno task report\` (sim/report/) at commit \`${m.commit}\`${
      m.dirty ? " (with uncommitted changes)" : ""
    } on ${m.date}: ${o.peers} peers, seed ${o.seed}, the \`${o.network}\` network ` +
      `(docs/simulator.md, "Network models"), 2 Mbit/s, 1 % loss unless the scenario says ` +
      `otherwise, a 3 s play delay, 10 s of warm-up, then ${o.seconds} measured seconds ` +
      `(${o.churnSeconds} for churn). Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ` +
      `${m.os}, Deno ${m.deno}; load average ${m.load.join(" / ")} when the runs started ` +
      `(the machine was shared with other work). ${results.length} runs, ` +
      `${
        Math.round(wallSeconds / 60)
      } min of simulation in all. Every run is one process: its command is in ` +
      "docs/results/runs.jsonl beside its full JSON, and replays it exactly (same seed, same " +
      "JSON but `wallSeconds` and `peakRssMB`).",
    "",
    'The designs (docs/simulator.md, "Designs") run on the same simulator, network, ' +
      'tracker, block signing, playback and metrics (docs/simulator.md, "The metrics"): ' +
      "`clubs` is the club protocol of lib/, `flood` pushes every block to every neighbour, " +
      "`pull` is a CoolStreaming/DONet pull mesh, `tree` a single push tree. The scenarios " +
      'are those of docs/simulator.md, "Scenarios".',
    "",
  );
  const mixed = commitsNote(results, m.commit);
  if (mixed) md.push(mixed, "");

  // What issue 5 asks to see side by side.
  md.push("## What issue 5 asks", "", "| claim | measured | |", "|---|---|---|");
  const c = (s: string) => get("clubs", s);
  const claim = (text: string, ok: boolean | undefined, measured: string) =>
    md.push(`| ${text} | ${measured} | ${ok === undefined ? "not run" : ok ? "yes" : "**no**"} |`);
  {
    const cl = c("hetero"), fl = get("flood", "hetero"), pu = get("pull", "hetero");
    const tr = get("tree", "churn"), cc = c("churn"), cf = c("failure");
    claim(
      "flood's duplicateRatio at least 3x clubs' (hetero)",
      cl && fl ? fl.duplicateRatio >= 3 * cl.duplicateRatio : undefined,
      cl && fl ? `flood ${fmt(fl.duplicateRatio)}, clubs ${fmt(cl.duplicateRatio)}` : "–",
    );
    claim(
      "pull mesh's latency p99 at least 3x clubs' (hetero)",
      cl && pu ? pu.latencyMs.p99 >= 3 * cl.latencyMs.p99 : undefined,
      cl && pu ? `pull ${pu.latencyMs.p99} ms, clubs ${cl.latencyMs.p99} ms` : "–",
    );
    claim(
      "the tree's delivery through churn below clubs'",
      tr && cc ? tr.delivery < cc.delivery : undefined,
      tr && cc ? `tree ${fmt(tr.delivery, 6)}, clubs ${fmt(cc.delivery, 6)}` : "–",
    );
    claim(
      "clubs' delivery through 10 %/min churn at least 0.995",
      cc ? cc.delivery >= 0.995 : undefined,
      cc ? `${fmt(cc.delivery, 6)}` : "–",
    );
    const rec = cf ? recovery(cf, o) : undefined;
    claim(
      "after a 30 % mass failure, clubs' survivors back above 0.99 within 5 s",
      cf ? (cf.deliveryAfterFailure ?? 0) >= 0.99 && rec !== undefined && rec <= 5 : undefined,
      cf
        ? `survivors' delivery from 5 s after the failure ${fmt(cf.deliveryAfterFailure, 6)}; ` +
          `each second from ${rec === undefined ? "never" : `${rec} s`} after it on at 0.99 or more`
        : "–",
    );
  }
  md.push(
    "",
    "Issue 5's first bar, clubs at 10,000 peers, is not run here: that swarm takes this machine " +
      "an hour and a half for 30 simulated seconds (the cost runs below show how the " +
      "simulator's cost grows); its run apart is in the notes below.",
    "",
  );

  // The matrix.
  const row = (scenario: string, label: string, r: Report) =>
    [
      scenario,
      label,
      fmt(r.delivery, 6),
      started(r),
      fmt(r.deliveryAfterFailure, 6),
      `${r.latencyMs.p50} / ${r.latencyMs.p99}`,
      `${r.startupMs.p50}`,
      fmt(r.duplicateRatio),
      fmt(r.controlOverhead),
      fmt(r.sourceUploadRatio, 3),
      fmt(r.wallSeconds, 1),
    ].join(" | ");
  md.push(
    "## Every design through every scenario",
    "",
    "Delivery: blocks present at their playback deadline, counted from each peer's playback " +
      'start (a peer that never starts counts for nothing: "started" says how many of the ' +
      "peers that joined started playing); after failure: the survivors' " +
      "delivery from 5 s after the failure (churn: from 5 s into the measured window); " +
      "latency: from the source's send to a peer's verification, every (peer, block) pair; " +
      "duplicates: redundant block bytes per useful one; control: non-block bytes per block " +
      "byte; source: the source's upload in copies of the stream.",
    "",
    "| scenario | design | delivery | started | after failure | latency p50 / p99 ms | start-up p50 ms | duplicates | control | source | wall s |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const s of o.scenarios) {
    for (const d of designs) {
      const r = get(d, s);
      if (r) md.push(`| ${row(s, d, r)} |`);
    }
  }
  for (const r of results.filter((x) => x.run.kind === "extra")) {
    md.push(`| ${row(r.run.scenario, r.run.label ?? r.run.design, r.report as Report)} |`);
  }
  md.push("");

  // Where a baseline does better than clubs.
  const losses: string[] = [];
  const better: [string, (r: Report) => number, boolean][] = [
    ["delivery", (r) => r.delivery, true],
    ["latency p99", (r) => r.latencyMs.p99, false],
    ["duplicates", (r) => r.duplicateRatio, false],
    ["control overhead", (r) => r.controlOverhead, false],
    ["source upload", (r) => r.sourceUploadRatio, false],
  ];
  for (const s of o.scenarios) {
    const cr = c(s);
    if (!cr) continue;
    for (const d of designs.filter((x) => x !== "clubs")) {
      const r = get(d, s);
      if (!r) continue;
      for (const [name, f, up] of better) {
        if (!(up ? f(r) > f(cr) : f(r) < f(cr))) continue;
        const fewer = r.startedPeers < cr.startedPeers
          ? `, but only ${started(r)} of its peers started playing, against ${started(cr)}`
          : "";
        losses.push(
          `- ${s}: ${d} has the better ${name} (${+f(r).toFixed(6)} against ${+f(cr).toFixed(
            6,
          )}${fewer})`,
        );
      }
    }
  }
  md.push(
    "## Where clubs lose",
    "",
    losses.length === 0
      ? "Nowhere in this matrix: no baseline has a better delivery, latency p99, duplicate ratio, control overhead or source upload than clubs in any scenario."
      : "Every metric of the table where a baseline does better than clubs in the same scenario (the notes below say why):",
    "",
    ...losses,
    "",
  );

  // Charts.
  const cdfLines: Line[] = designs.flatMap((d) => {
    const r = get(d, "hetero");
    return r ? [{ name: d, points: r.latencyCdf.map(([q, ms]) => [ms, q] as const) }] : [];
  });
  if (cdfLines.length > 0) {
    svgs["results/latency-cdf.svg"] = lineChart({
      title: `Latency, hetero scenario, ${o.peers} peers`,
      xLabel: "ms from the source's send to a peer's verification",
      yLabel: "share of (peer, block) pairs",
      lines: cdfLines,
      y: [0, 1],
    });
  }
  for (const [s, survivors] of [["churn", false], ["failure", true]] as const) {
    const lines: Line[] = designs.flatMap((d) => {
      const r = get(d, s);
      if (!r) return [];
      const ys = (survivors ? r.series.survivorDelivery : r.series.delivery) ?? [];
      return [{ name: d, points: ys.map((y, i) => [i, y] as const) }];
    });
    if (lines.length === 0) continue;
    const at = s === "failure" ? Math.round(o.seconds / 3) : undefined;
    const title = s === "churn"
      ? `Delivery per second through 10 %/min churn, ${o.peers} peers`
      : `Survivors' delivery per second, 30 % killed at ${at} s, ${o.peers} peers`;
    const low = Math.min(0.9, ...lines.flatMap((l) => l.points.map((p) => p[1] ?? 1)));
    const chart = { xLabel: "second of the measured window", yLabel: "delivery", lines };
    svgs[`results/delivery-${s}.svg`] = lineChart({ ...chart, title, y: [low, 1] });
    // The same from 0.95 up, where the designs that deliver differ.
    svgs[`results/delivery-${s}-zoom.svg`] = lineChart({
      ...chart,
      title: `${title}, from 0.95`,
      y: [0.95, 1],
    });
  }
  {
    const rows = designs.map((d) => get(d, "hetero"));
    if (rows.every((r) => r)) {
      svgs["results/overhead.svg"] = barChart({
        title: `Overhead per design, hetero scenario, ${o.peers} peers (log scale)`,
        yLabel: "ratio",
        groups: ["duplicates", "control", "source upload"],
        bars: designs.map((d, i) => ({
          name: d,
          values: [rows[i]!.duplicateRatio, rows[i]!.controlOverhead, rows[i]!.sourceUploadRatio],
        })),
        logY: true,
      });
    }
  }
  md.push(
    "## Charts",
    "",
    "![latency CDF](results/latency-cdf.svg)",
    "",
    "![delivery through churn](results/delivery-churn.svg)",
    "![delivery through churn, from 0.95](results/delivery-churn-zoom.svg)",
    "",
    "![survivors' delivery through a mass failure](results/delivery-failure.svg)",
    "![survivors' delivery through a mass failure, from 0.95](results/delivery-failure-zoom.svg)",
    "",
    "![overhead per design](results/overhead.svg)",
    "",
  );

  // Cost.
  const cost = results.filter((r) => r.run.kind === "cost").map((r) => ({
    n: r.run.peers,
    r: r.report as Report,
  }));
  if (cost.length > 0) {
    md.push(
      "## The simulator's cost as the swarm grows",
      "",
      "The club protocol on issue 2's default network (`deno run -A sim/main.ts --peers N " +
        `--seed ${o.seed} --seconds 10 --json --series\`: 10 s of warm-up and 10 measured), ` +
        "one process each; events/s is events over wall time, peak memory the process's " +
        "VmHWM.",
      "",
      "| peers | events | wall s | events/s | peak MB | delivery | latency p99 ms |",
      "|---|---|---|---|---|---|---|",
      ...cost.map(({ n, r }) =>
        `| ${n} | ${r.events} | ${fmt(r.wallSeconds, 1)} | ${
          Math.round(r.events / r.wallSeconds)
        } | ${r.peakRssMB ?? "–"} | ${fmt(r.delivery, 6)} | ${r.latencyMs.p99} |`
      ),
      "",
      "![cost](results/cost.svg)",
      "",
    );
    const max = (f: (r: Report) => number) => Math.max(...cost.map(({ r }) => f(r)));
    const norm = (f: (r: Report) => number): Line["points"] =>
      cost.map(({ n, r }) => [n, f(r) / max(f)] as const);
    svgs["results/cost.svg"] = lineChart({
      title: "Simulator cost against swarm size (each as a share of its largest)",
      xLabel: "peers",
      yLabel: "share of the largest value",
      lines: [
        {
          name: `wall (max ${Math.round(max((r) => r.wallSeconds))} s)`,
          points: norm((r) => r.wallSeconds),
        },
        {
          name: `events (max ${(max((r) => r.events) / 1e6).toFixed(1)}M)`,
          points: norm((r) => r.events),
        },
        {
          name: `events/s (max ${Math.round(max((r) => r.events / r.wallSeconds) / 1000)}k)`,
          points: norm((r) => r.events / r.wallSeconds),
        },
        {
          name: `peak MB (max ${Math.round(max((r) => r.peakRssMB ?? 0))})`,
          points: norm((r) => r.peakRssMB ?? 0),
        },
      ],
      x: [0, Math.max(...cost.map((x) => x.n))],
      y: [0, 1],
    });
  }

  // Issue 6: the run with malicious peers, then the figures of the suite's tests and benches.
  md.push("## Hostile networks (issue 6)", "");
  const sec = results.find((r) => r.run.kind === "security");
  if (sec) {
    const r = sec.report as Report & {
      forgedAccepted: number;
      forged: Record<string, number>;
      honestPeers: number;
      maliciousPeers: Record<string, { peers: number; bannedPeers: number; bans: number }>;
    };
    const m = r.maliciousPeers ?? {};
    // The same settings without malicious peers: the default mix is the hetero scenario's.
    const base = get("clubs", "hetero");
    const banned = (k: string) =>
      m[k] ? `${m[k].bannedPeers} of ${m[k].peers} (${m[k].bans} bans)` : "–";
    md.push(
      `With a tenth of the peers malicious (\`--malicious 0.1\`: forgers, junk senders and ` +
        'freeriders in turn, docs/simulator.md "Malicious peers"), at the settings above, ' +
        `${sec.commit ? `at commit \`${sec.commit}\`` : "at the report's commit"} ` +
        `(\`${sec.command}\`):`,
      "",
      "| figure | value |",
      "|---|---|",
      `| honest peers' delivery (issue 6: at least 0.99) | **${fmt(r.delivery, 6)}**${
        base ? ` (no malicious peers, the hetero row above: ${fmt(base.delivery, 6)})` : ""
      } |`,
      `| forgedAccepted: forged blocks honest peers played or relayed (must be 0) | **${r.forgedAccepted}** (stored: ${
        r.forged?.storedByHonest ?? "–"
      }) |`,
      `| forged blocks the malicious peers made | ${r.forged?.made ?? "–"} |`,
      `| forgers / junk senders banned by honest peers | ${banned("forger")} / ${banned("junk")} |`,
      `| latency p50 / p99, ms | ${r.latencyMs.p50} / ${r.latencyMs.p99} |`,
      `| duplicate ratio, control overhead | ${fmt(r.duplicateRatio)}, ${fmt(r.controlOverhead)} |`,
      "",
    );
  } else md.push("(The run with malicious peers is not among this report's runs.)", "");
  md.push(
    "Every other line of issue 6 is a test in the suite or a benchmark; the report does not run " +
      "them. Their figures, each with the command that measures it and the commit it was " +
      "measured at (docs/security.md says what each defends and how):",
    "",
    kept(oldMarkdown, SECURITY_START, SECURITY_END, "(none recorded yet)"),
    "",
  );

  // The scenarios, for reference.
  md.push(
    "## The scenarios",
    "",
    ...SCENARIOS.filter((s) => o.scenarios.includes(s.name)).map((s) =>
      `- \`${s.name}\`: ${s.about}`
    ),
    "",
  );
  md.push("## Notes", "", kept(oldMarkdown, NOTES_START, NOTES_END, "(none yet)"), "");
  return { markdown: md.join("\n"), svgs };
}

/**
 * Seconds after the failure from which the survivors' delivery of every second is at least
 * 0.99 to the end of the run; undefined if never.
 */
export function recovery(r: Report, o: ReportOptions): number | undefined {
  const ys = r.series.survivorDelivery ?? [];
  const at = Math.round(o.seconds / 3);
  let from: number | undefined;
  for (let i = at; i < ys.length; i++) {
    const y = ys[i];
    if (y !== null && y < 0.99) from = undefined;
    else if (from === undefined) from = i;
  }
  return from === undefined ? undefined : from - at;
}

/**
 * A sentence naming the commits the runs were made at, when some differ from the report's
 * own (runs kept by `--resume` and others made again later); undefined when they all match.
 * Each run's commit is in runs.jsonl; this says so where a reader starts.
 */
export function commitsNote(
  results: readonly RunResult[],
  reportCommit: string,
): string | undefined {
  const byCommit = new Map<string, RunResult[]>();
  for (const r of results) {
    const c = r.commit ?? reportCommit;
    const list = byCommit.get(c);
    if (list) list.push(r);
    else byCommit.set(c, [r]);
  }
  if (byCommit.size < 2 && (byCommit.size === 0 || byCommit.has(reportCommit))) return undefined;
  const parts = [...byCommit].map(([c, rs]) => {
    const designs = [...new Set(rs.map((r) => r.run.design))].join(", ");
    return `\`${c}\` (${rs.length} runs: ${designs})`;
  });
  return `The runs were not all made at the commit above: ${parts.join("; ")}. A run's ` +
    "figures are those of the code at its commit (runs.jsonl gives each run's commit beside " +
    "its JSON).";
}
