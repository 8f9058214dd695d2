/**
 * A diagnostic beside peer_cpu.ts: is a peer's RSS growth live memory or the V8 heap growing
 * its room? Runs the same swarm (swarm.ts) and one peer with `--v8-flags=--trace-gc` and
 * `--out /dev/null` (the trace then owns stdout), and every 10 s prints the peer's RSS and
 * the latest major GC's heap sizes: live after the collection, and committed.
 *
 *     deno run -A --unstable-kv bench/swarm/heap_watch.ts [--seconds 170]
 */
import { benchArgs, benchNumbers, intRange } from "../lib/cli.ts";
import { rssBytes } from "../lib/proc.ts";
import { programArgs, startSwarm } from "./swarm.ts";

const USAGE = `deno run -A --unstable-kv bench/swarm/heap_watch.ts [options]

A peer's RSS beside V8's live and committed heap, every 10 s, in a real swarm (bench/README.md).

  --seconds S   how long to watch (default 170)
  -h, --help    this help`;

/** A major GC trace line's sizes (MB): before, after (live), and committed after. */
export function parseMarkCompact(
  line: string,
): { before: number; live: number; committed: number } | undefined {
  const m = line.match(/Mark-Compact ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/);
  return m ? { before: Number(m[1]), live: Number(m[3]), committed: Number(m[4]) } : undefined;
}

if (import.meta.main) {
  const v = benchArgs("heap_watch", USAGE, Deno.args, {
    seconds: { type: "string", default: "170" },
  });
  const { seconds } = benchNumbers("heap_watch", v, { seconds: intRange(10) });
  const swarm = await startSwarm({ bps: 4_000_000, clubs: 4, peers: 5 });
  await new Promise((r) => setTimeout(r, 3000));
  const args = programArgs("peer", [swarm.announceUrl, "--out", "/dev/null"]);
  args.splice(1, 0, "--v8-flags=--trace-gc");
  const p = new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "null" }).spawn();
  let last: ReturnType<typeof parseMarkCompact>;
  let majors = 0;
  void (async () => {
    let buf = "";
    for await (const c of p.stdout.pipeThrough(new TextDecoderStream())) {
      buf += c;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) {
        const g = parseMarkCompact(l);
        if (g) (last = g, majors++);
      }
    }
  })();
  const t0 = Date.now();
  while (Date.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 10_000));
    const rss = (rssBytes(p.pid) ?? 0) / 2 ** 20;
    console.log(JSON.stringify({
      s: Math.round((Date.now() - t0) / 1000),
      rssMiB: Math.round(rss * 10) / 10,
      majorGcs: majors,
      liveMB: last?.live,
      committedMB: last?.committed,
    }));
  }
  p.kill("SIGTERM");
  await p.status;
  await swarm.stop();
}
