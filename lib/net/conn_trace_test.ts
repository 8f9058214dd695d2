import { assertEquals } from "../testing.ts";
import { connTracer } from "./conn_trace.ts";

Deno.test("connTracer: prints opens and closes with their reason, nothing else; off: none", () => {
  const lines: string[] = [];
  const trace = connTracer("peer", 1000, (t) => lines.push(t), true)!;
  trace({ type: "conn", open: true, dir: "down", club: 3, remote: "10.0.0.1:5" }, 1250);
  trace(
    { type: "conn", open: false, dir: "up", club: 1, remote: "10.0.0.2:6", reason: "idle" },
    2000,
  );
  trace({ type: "forged", from: "10.0.0.3:7" }, 2100);
  assertEquals(lines, [
    "peer: 250 ms: download club 3 10.0.0.1:5 open\n",
    "peer: 1000 ms: upload club 1 10.0.0.2:6 closed (idle)\n",
  ]);
  assertEquals(connTracer("peer", 0, () => {}, false), undefined);
});
