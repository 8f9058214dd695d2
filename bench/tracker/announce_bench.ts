/**
 * Announce throughput of the tracker: starts tracker/cli.ts on loopback (with `:memory:` KV
 * and with an embedded KV file in a temp dir), registers a channel, then drives it with N
 * concurrent keep-alive fetch loops, first `--joins` joins (deck deal + write), then
 * heartbeats of those peers for `--seconds` (or `--max` requests). A `GET /healthz` phase
 * first shows the ceiling of generator plus HTTP stack. Prints requests/s and p50/p99
 * latency per phase. Load generator and tracker share this machine's cores.
 *
 * `--client raw` (default) uses bench/tracker/raw_http.ts, one keep-alive connection per
 * loop; `--client fetch` uses Deno's fetch, which saturates near 4k requests/s here.
 *
 *     deno task bench:tracker [--concurrency 64] [--joins 20000] [--seconds 10] [--kv both]
 */
import { benchArgs, benchChoice, benchNumbers, intRange } from "../lib/cli.ts";
import { encodeBody, registration } from "../../tracker/test_fixture.ts";
import { spawnTracker } from "../../tests/tracker_process.ts";
import { RawHttpConnection } from "./raw_http.ts";

const USAGE = `deno task bench:tracker [options]

Announces per second against our tracker (bench/README.md).

  --concurrency N   requests in flight (default 64)
  --joins N         peers joined first (default 20000)
  --seconds S       the announce run's length (default 10)
  --max N           at most N heartbeat requests (default 1000000)
  --kv NAME         memory, file or both (default both)
  --client NAME     raw or fetch (default raw)
  --json            one JSON object on one line
  -h, --help        this help`;

interface PhaseResult {
  readonly kv: string;
  readonly phase: string;
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU seconds the tracker process used in the phase (Linux /proc), null elsewhere. */
  readonly trackerCpu: number | null;
  /** Requests per tracker CPU-second: steadier than requests/s on a shared machine. */
  readonly perCpuSecond: number | null;
  readonly p50ms: number;
  readonly p99ms: number;
}

const values = benchArgs("bench:tracker", USAGE, Deno.args, {
  concurrency: { type: "string", default: "64" },
  joins: { type: "string", default: "20000" },
  seconds: { type: "string", default: "10" },
  max: { type: "string", default: "1000000" },
  kv: { type: "string", default: "both" },
  client: { type: "string", default: "raw" },
  json: { type: "boolean", default: false },
});
const { concurrency, joins, seconds, max } = benchNumbers("bench:tracker", values, {
  concurrency: intRange(1, 10_000),
  joins: intRange(1),
  seconds: intRange(1),
  max: intRange(1),
});
benchChoice("bench:tracker", "--kv", values.kv, ["both", "memory", "file"]);
benchChoice("bench:tracker", "--client", values.client, ["raw", "fetch"]);

/** One request of a phase: method, path, JSON body text. */
type Req = readonly [method: string, path: string, body?: string];

/** A loop's way of sending: a raw connection or fetch. */
async function sender(base: string): Promise<{ send(r: Req): Promise<number>; close(): void }> {
  if (values.client === "fetch") {
    return {
      async send([method, path, body]) {
        const res = await fetch(base + path, {
          method,
          body,
          headers: body ? { "content-type": "application/json" } : {},
        });
        await res.arrayBuffer();
        return res.status;
      },
      close() {},
    };
  }
  const c = await RawHttpConnection.open(base);
  return { send: async ([m, p, b]) => (await c.request(m, p, b)).status, close: () => c.close() };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * Runs `count` requests (or until `limitMs` passes) over `concurrency` loops; `make(i)`
 * builds request i. Returns the phase's numbers.
 */
/** CPU time (user + system) of a process in seconds, from /proc; null if unavailable. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime), in clock ticks of 1/100 s on Linux.
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

async function drive(
  pid: number,
  base: string,
  kv: string,
  phase: string,
  count: number,
  limitMs: number,
  make: (i: number) => Req,
): Promise<PhaseResult> {
  const senders = await Promise.all(Array.from({ length: concurrency }, () => sender(base)));
  const lat = new Float64Array(count);
  let next = 0;
  let done = 0;
  let errors = 0;
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const deadline = t0 + limitMs;
  const loop = async (s: Awaited<ReturnType<typeof sender>>) => {
    while (next < count && performance.now() < deadline) {
      const req = make(next++);
      const start = performance.now();
      const status = await s.send(req);
      lat[done++] = performance.now() - start;
      if (status !== 200) errors++;
    }
  };
  await Promise.all(senders.map(loop));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu1 = cpuSeconds(pid);
  const cpu = cpu0 === null || cpu1 === null ? null : Math.round((cpu1 - cpu0) * 100) / 100;
  for (const s of senders) s.close();
  const sorted = lat.slice(0, done).sort();
  return {
    kv,
    phase,
    requests: done,
    errors,
    seconds: Math.round(elapsed * 100) / 100,
    perSecond: Math.round(done / elapsed),
    trackerCpu: cpu,
    perCpuSecond: cpu === null || cpu === 0 ? null : Math.round(done / cpu),
    p50ms: Math.round(percentile(sorted, 0.5) * 100) / 100,
    p99ms: Math.round(percentile(sorted, 0.99) * 100) / 100,
  };
}

async function benchOne(kvLabel: string, kvArg: string): Promise<PhaseResult[]> {
  const tracker = await spawnTracker(["--kv", kvArg, "--rate", "0", "--interval", "60"]);
  try {
    const { channel, body } = registration(12, Date.now());
    const put = await fetch(`${tracker.url}/c/${channel}`, {
      method: "PUT",
      body: encodeBody(body),
    });
    if (put.status !== 201) {
      throw new Error(`registration failed: ${put.status} ${await put.text()}`);
    }
    const path = `/c/${channel}/announce`;
    const base = tracker.url;
    const pid = tracker.child.pid;
    const healthz = await drive(
      pid,
      base,
      kvLabel,
      "GET /healthz",
      max,
      seconds * 1000,
      () => ["GET", "/healthz"],
    );
    const join = await drive(pid, base, kvLabel, "join", joins, seconds * 1000, (i) => [
      "POST",
      path,
      JSON.stringify({ peer: `bench${i}`, port: 10000 + (i % 50000), event: "join" }),
    ]);
    const joined = join.requests;
    const hb = (i: number): Req => {
      const p = i % joined;
      return [
        "POST",
        path,
        JSON.stringify({ peer: `bench${p}`, port: 10000 + (p % 50000), event: "heartbeat" }),
      ];
    };
    // Warm-up heartbeats (not recorded), then the measured run.
    await drive(pid, base, kvLabel, "warmup", 2000, 2000, hb);
    const heartbeat = await drive(pid, base, kvLabel, "heartbeat", max, seconds * 1000, hb);
    return [healthz, join, heartbeat];
  } finally {
    await tracker.stop();
  }
}

const results: PhaseResult[] = [];
if (values.kv !== "file") results.push(...await benchOne(":memory:", ":memory:"));
if (values.kv !== "memory") {
  const dir = await Deno.makeTempDir({ prefix: "tracker-bench-" });
  try {
    results.push(...await benchOne("embedded file", `${dir}/bench.kv`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (values.json) {
  console.log(JSON.stringify({ client: values.client, concurrency, joins, seconds, results }));
} else {
  console.log(
    `client ${values.client}, concurrency ${concurrency}, ${joins} joins, heartbeats for ${seconds} s\n`,
  );
  console.log(
    "| KV | phase | requests | errors | seconds | requests/s | p50 ms | p99 ms | tracker CPU s | requests per CPU-s |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    console.log(
      `| ${r.kv} | ${r.phase} | ${r.requests} | ${r.errors} | ${r.seconds} | ${r.perSecond} | ${r.p50ms} | ${r.p99ms} | ${
        r.trackerCpu ?? "-"
      } | ${r.perCpuSecond ?? "-"} |`,
    );
  }
}
