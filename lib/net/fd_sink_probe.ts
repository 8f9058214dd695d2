/**
 * A probe program for fd_sink_test.ts: writes `count` chunks (chunk i: 1,000 + i % 7,000
 * bytes, each byte (i + offset) % 251) to stdout through fdStdoutSink, in bursts of 16 per
 * turn of the event loop, closes the sink and exits 0; "no fd sink" on stderr and exit code 2
 * where fdStdoutSink is not available for this stdout.
 */
import { fdStdoutSink } from "./fd_sink.ts";

const count = Number(Deno.args[0] ?? 500);
const sink = fdStdoutSink();
if (!sink) {
  console.error("no fd sink");
  Deno.exit(2);
}
for (let i = 0; i < count; i++) {
  const chunk = new Uint8Array(1000 + (i * 997) % 7000);
  for (let j = 0; j < chunk.length; j++) chunk[j] = (i + j) % 251;
  sink.write(chunk);
  if (i % 16 === 15) await new Promise((r) => setTimeout(r, 0));
}
await sink.close();
console.error(`closed ${await sink.closed}`);
