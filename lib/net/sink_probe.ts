/**
 * A probe program for runtime_test.ts, run under Deno and under Bun: writes numbered lines
 * to stdout through stdoutSink until the reader goes away, then reports on stderr how the
 * sink closed and exits 0.
 */
import { exit, stdoutSink, writeStderr } from "./runtime.ts";

// Never run away: without the close after 10 s, the exit code says so.
const t = setTimeout(() => {
  writeStderr("sink never closed\n");
  exit(3);
}, 10_000);
const sink = stdoutSink();
let stop = false;
sink.closed.then((why) => {
  stop = true;
  writeStderr(`closed ${why}\n`);
});
const enc = new TextEncoder();
for (let i = 0; !stop && i < 1_000_000; i++) {
  sink.write(enc.encode(`line ${i}\n`.padEnd(1000, ".")));
  if (i % 64 === 0) await new Promise((r) => setTimeout(r, 1));
}
await sink.closed;
clearTimeout(t);
