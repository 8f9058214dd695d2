/**
 * The exchange between windows of a partitioned run (partition.ts): the datagrams that
 * crossed go to the partitions of their receivers, the tracker answers the window's
 * requests, and the source's partition tells the others what blocks it made.
 */
import type { WindowInput, WindowOutput } from "./partition.ts";
import type { TrackerDesk } from "./tracker_desk.ts";

/** The inputs of each partition's next window, from every partition's last output. */
export function routeWindow(outs: readonly WindowOutput[], desk: TrackerDesk): WindowInput[] {
  const parts = outs.length;
  const replies = desk.handle(outs.flatMap((o) => o.requests));
  return outs.map((_, k) => ({
    datagrams: outs.flatMap((o) => o.datagrams[k] ?? []),
    replies: replies.filter((r) => r.node % parts === k),
    truth: k === 0 ? [] : outs[0].truth,
  }));
}
