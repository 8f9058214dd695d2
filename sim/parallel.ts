/**
 * A run of the virtual swarm in worker threads, one partition of its nodes each
 * (partition.ts, partition_worker.ts): the main thread holds the tracker and starts each
 * window; what crosses between partitions goes from worker to worker. Its figures are those of the same run in one thread
 * (`runSwarm`); only the wall time differs.
 */
import type { PartitionSummary } from "./partition.ts";
import type { ToWorker } from "./partition_worker.ts";
import {
  mergeSummaries,
  type OnWindow,
  type SwarmOptions,
  type SwarmResult,
  windowMs,
} from "./swarm.ts";
import { TrackerDesk, type TrackerReply, type TrackerRequest } from "./tracker_desk.ts";
import { planSwarm } from "./partition.ts";

/** What a partition's worker answers. */
type FromWorker =
  | { readonly type: "ready"; readonly lookaheadMs: number; readonly endMs: number }
  | { readonly type: "out"; readonly requests: TrackerRequest[] }
  | { readonly type: "summary"; readonly summary: PartitionSummary }
  | { readonly type: "error"; readonly message: string };

/** One worker, asked one thing at a time. */
class PartitionWorker {
  readonly #worker = new Worker(new URL("./partition_worker.ts", import.meta.url).href, {
    type: "module",
  });
  #waiting: { ok: (m: FromWorker) => void; fail: (e: Error) => void } | undefined;

  constructor() {
    this.#worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const w = this.#waiting;
      this.#waiting = undefined;
      if (e.data.type === "error") w?.fail(new Error(`simulator worker: ${e.data.message}`));
      else w?.ok(e.data);
    };
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#waiting?.fail(new Error(`simulator worker: ${e.message}`));
      this.#waiting = undefined;
    };
  }

  ask(m: ToWorker, transfer: Transferable[] = []): Promise<FromWorker> {
    return new Promise((ok, fail) => {
      this.#waiting = { ok, fail };
      this.#worker.postMessage(m, transfer);
    });
  }

  stop(): void {
    this.#worker.terminate();
  }
}

/**
 * Runs `opts` in `workers` worker threads. Hooks (`onReady` and the like) and malicious
 * peers need one thread (`runSwarm`); the result has no cores or source to inspect.
 * `onWindow` hears of the progress (progress.ts).
 */
export async function runSwarmInWorkers(
  opts: SwarmOptions,
  workers: number,
  onWindow?: OnWindow,
): Promise<SwarmResult> {
  if (opts.onReady || opts.onDuplicate || opts.onSkip) {
    throw new Error("a run with hooks runs in one thread");
  }
  if ((opts.malicious ?? 0) > 0) throw new Error("a run with malicious peers runs in one thread");
  const sp = planSwarm(opts);
  const desk = new TrackerDesk(opts.clubs, sp.trackerSeed, opts.trackerRttMs);
  const { design, ...plain } = opts;
  const pool = Array.from({ length: workers }, () => new PartitionWorker());
  try {
    // A channel between each pair of workers: what crosses goes straight across.
    const ports: (MessagePort | undefined)[][] = pool.map(() => pool.map(() => undefined));
    for (let a = 0; a < workers; a++) {
      for (let b = a + 1; b < workers; b++) {
        const ch = new MessageChannel();
        ports[a][b] = ch.port1;
        ports[b][a] = ch.port2;
      }
    }
    const ready = await Promise.all(pool.map((w, part) => {
      const own = ports[part];
      const init = {
        type: "init",
        opts: plain,
        design: design?.name,
        part,
        parts: workers,
      } as const;
      return w.ask({ ...init, ports: own }, own.filter((p) => p !== undefined));
    }));
    const first = ready[0] as Extract<FromWorker, { type: "ready" }>;
    const lookahead = windowMs(first.lookaheadMs, opts.trackerRttMs);
    let replies: TrackerReply[] = [];
    for (let start = 0, window = 0;; window++) {
      const end = start + lookahead;
      const outs = await Promise.all(
        pool.map((w, k) =>
          w.ask({
            type: "step",
            window,
            end,
            replies: replies.filter((r) => r.node % workers === k),
          })
        ),
      );
      replies = desk.handle(
        outs.flatMap((o) => (o as Extract<FromWorker, { type: "out" }>).requests),
      );
      onWindow?.(end, first.endMs);
      if (end > first.endMs) break;
      start = end;
    }
    const done = await Promise.all(pool.map((w) => w.ask({ type: "finish" })));
    const summaries = done.map((d) => (d as Extract<FromWorker, { type: "summary" }>).summary);
    return {
      ...mergeSummaries(summaries),
      cores: [],
      source: undefined,
      capacities: [...sp.capacities],
      malicious: [],
      survivors: sp.plan.survivor.reduce((a, b) => a + b, 0),
    };
  } finally {
    for (const w of pool) w.stop();
  }
}
