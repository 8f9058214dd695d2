/**
 * A worker running one partition of a run (partition.ts) for parallel.ts. It is handed the
 * run's options, its partition number and a port to each other partition's worker; then, a
 * window at a time, the tracker's answers from the main thread. Datagrams that cross to
 * another partition (and, from partition 0, the blocks the source made) go straight to that
 * partition's worker, once per window; a window starts when the main thread's word and
 * every other partition's last window are in. The tracker requests go to the main thread.
 */
/// <reference lib="deno.worker" />
import { CrossPacker, CrossUnpacker, packOutput, unpackInput } from "./cross_pack.ts";
import { designNamed } from "./designs/all.ts";
import {
  type BlockTruth,
  type CrossDatagram,
  Partition,
  planSwarm,
  type WindowInput,
} from "./partition.ts";
import type { SwarmOptions } from "./swarm.ts";
import type { TrackerReply } from "./tracker_desk.ts";

/** What parallel.ts sends a partition's worker. */
export type ToWorker =
  | {
    readonly type: "init";
    readonly opts: SwarmOptions;
    readonly design: string | undefined;
    readonly part: number;
    readonly parts: number;
    /** A port to each other partition's worker (undefined at this partition's own index). */
    readonly ports: readonly (MessagePort | undefined)[];
  }
  | {
    readonly type: "step";
    readonly window: number;
    readonly end: number;
    readonly replies: readonly TrackerReply[];
  }
  | { readonly type: "finish" };

/** What one partition's worker sends another's after a window. */
interface Crossing {
  readonly window: number;
  readonly datagrams: readonly CrossDatagram[];
  readonly truth: readonly BlockTruth[];
}

let partition: Partition | undefined;
let packer: CrossPacker | undefined;
let unpacker: CrossUnpacker | undefined;
let ports: readonly (MessagePort | undefined)[] = [];
/** The main thread's word for the next window, once it came. */
let next: Extract<ToWorker, { type: "step" }> | undefined;
/** What the other partitions sent, by window. */
const crossings = new Map<number, Crossing[]>();

function fail(err: unknown): void {
  self.postMessage({ type: "error", message: (err as Error).stack ?? String(err) });
}

/** Runs the next window if everything it needs is in. */
function tryStep(): void {
  if (next === undefined) return;
  const from = crossings.get(next.window - 1) ?? [];
  if (next.window > 0 && from.length < ports.length - 1) return;
  const { window, end, replies } = next;
  next = undefined;
  crossings.delete(window - 1);
  const input: WindowInput = {
    datagrams: from.flatMap((c) => c.datagrams),
    replies,
    truth: from.flatMap((c) => c.truth),
  };
  const out = packOutput(packer!, partition!.step(end, unpackInput(unpacker!, input)));
  ports.forEach((port, k) => {
    port?.postMessage({ window, datagrams: out.datagrams[k], truth: out.truth } as Crossing);
  });
  self.postMessage({ type: "out", requests: out.requests });
}

function onCrossing(e: MessageEvent<Crossing>): void {
  try {
    const list = crossings.get(e.data.window) ?? [];
    list.push(e.data);
    crossings.set(e.data.window, list);
    tryStep();
  } catch (err) {
    fail(err);
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  try {
    if (m.type === "init") {
      const opts = {
        ...m.opts,
        design: m.design === undefined ? undefined : designNamed(m.design),
      };
      partition = new Partition(opts, planSwarm(opts), m.part, m.parts);
      packer = new CrossPacker(m.parts);
      unpacker = new CrossUnpacker(m.parts);
      ports = m.ports;
      for (const p of ports) if (p) p.onmessage = onCrossing;
      self.postMessage({
        type: "ready",
        lookaheadMs: partition.lookaheadMs,
        endMs: partition.endMs,
      });
    } else if (m.type === "step") {
      next = m;
      tryStep();
    } else {
      for (const p of ports) p?.close();
      self.postMessage({ type: "summary", summary: partition!.summary() });
    }
  } catch (err) {
    fail(err);
  }
};
