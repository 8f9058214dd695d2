/**
 * A troubleshooting aid (docs/running.md): with CLUBCAST_TRACE_CONNS=1 in the environment,
 * `peer` and `source` print every connection they open or close on stderr, with the ms
 * since the program started and the reason for a close.
 */
import type { PeerEvent } from "../peer/events.ts";
import { env } from "./runtime.ts";

/**
 * An event handler that prints connection events as `<name>: <ms> ms: <dir>load club <k>
 * <remote> open|closed (<reason>)`, or undefined when tracing is off.
 */
export function connTracer(
  name: string,
  startedAt: number,
  write: (text: string) => void,
  enabled: boolean = env("CLUBCAST_TRACE_CONNS") === "1",
): ((e: PeerEvent, now: number) => void) | undefined {
  if (!enabled) return undefined;
  return (e, now) => {
    if (e.type !== "conn") return;
    const how = e.open ? "open" : `closed (${e.reason ?? "?"})`;
    write(
      `${name}: ${
        Math.round(now - startedAt)
      } ms: ${e.dir}load club ${e.club} ${e.remote} ${how}\n`,
    );
  };
}
