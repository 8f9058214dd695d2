/**
 * `deno task demo`: a whole clubcast swarm on this machine, in one command. It starts a
 * tracker (embedded KV in memory), a source fed a live test pattern (ffmpeg's lavfi sources
 * when ffmpeg is installed, otherwise the small bundled clip demo_clip.mpegts looped), and a
 * few peers, then prints how to watch. Ctrl-C stops everything.
 *
 *     deno task demo [--peers 4] [--clubs 4] [--port 8000] [--seconds S]
 */
import { parseArgs } from "node:util";
import { argsErrorMessage, intFlag } from "../lib/net/cli_args.ts";
import { which } from "../lib/net/which.ts";
import { PEER_V8_FLAGS } from "../peer/v8_flags.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CLIP = `${ROOT}source/demo_clip.mpegts`;
/** The bundled clip lasts this long; it is fed at its size over this time, looped. */
const CLIP_SECONDS = 3;

/** The most peers the demo starts: each is a process of its own on this machine. */
const MAX_PEERS = 50;

const HELP = `clubcast demo: a tracker, a source with a test pattern, and peers, all local

Usage: deno task demo [--peers N] [--clubs C] [--port P] [--seconds S]

The source's input is ffmpeg's test pattern and tone (H.264 + AAC) when ffmpeg is on the
PATH, and otherwise the short clip bundled with clubcast (source/demo_clip.mpegts), looped.

  --peers N    peers to start, 1 to ${MAX_PEERS} (default 4)
  --clubs C    clubs of the channel, 2 to 256 (default 4; a swarm should have at least C/2
               peers)
  --port P     the tracker's port on 127.0.0.1 (default 8000; 0 picks a free one)
  --seconds S  stop after S seconds, 1 to 86400 (default: run until Ctrl-C)
  -h, --help   show this text`;

const deno = Deno.execPath();
// A peer runs as `deno task peer` starts it, with its V8 flag (peer/v8_flags.ts).
const run = (file: string, ...args: string[]) => [
  "run",
  "-A",
  "--unstable-net",
  "--unstable-kv",
  ...(file === "peer/main.ts" ? [PEER_V8_FLAGS] : []),
  `${ROOT}${file}`,
  ...args,
];

/**
 * The first match of `match` in a child's output; if the output ends first, an error saying
 * that `what` stopped before it started (its own message is on the terminal already).
 */
async function firstLine(
  stream: ReadableStream<Uint8Array>,
  match: RegExp,
  what: string,
): Promise<RegExpMatchArray> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (true) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the ${what} stopped before it started${seen ? `: ${seen}` : ""}`);
    seen += value;
    const m = seen.match(match);
    if (m) {
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return m;
    }
  }
}

/** Feeds the bundled clip, looped, at its own bitrate. */
async function loopClip(stdin: WritableStream<Uint8Array>, stop: AbortSignal): Promise<void> {
  const clip = await Deno.readFile(CLIP);
  const bytesPerMs = clip.length / (CLIP_SECONDS * 1000);
  const w = stdin.getWriter();
  const t0 = performance.now();
  let sent = 0;
  while (!stop.aborted) {
    const due = Math.floor((performance.now() - t0) * bytesPerMs);
    while (sent < due) {
      const at = sent % clip.length;
      const n = Math.min(due - sent, clip.length - at);
      await w.write(clip.subarray(at, at + n));
      sent += n;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await w.close().catch(() => {});
}

/** The numeric flags, checked; or the message saying which is wrong and its range. */
function readNumbers(
  v: { peers: string; clubs: string; port: string; seconds?: string },
): { peers: number; clubs: number; port: number; seconds: number } | string {
  const peers = intFlag("peers", v.peers, 1, MAX_PEERS);
  if (typeof peers === "string") return peers;
  const clubs = intFlag("clubs", v.clubs, 2, 256);
  if (typeof clubs === "string") return clubs;
  const port = intFlag("port", v.port, 0, 65535);
  if (typeof port === "string") return port;
  const seconds = v.seconds === undefined ? Infinity : intFlag("seconds", v.seconds, 1, 86400);
  if (typeof seconds === "string") return seconds;
  return { peers, clubs, port, seconds };
}

/**
 * Why the tracker could not listen on 127.0.0.1:`port`, found by listening there a moment
 * first, or undefined when it can: a one-line answer instead of the tracker's failure.
 */
function portProblem(port: number): string | undefined {
  if (port === 0) return undefined;
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return undefined;
  } catch (e) {
    return e instanceof Deno.errors.AddrInUse
      ? `port ${port} is in use; pass --port 0 or another port`
      : `cannot listen on port ${port}: ${(e as Error).message}; pass --port 0 or another port`;
  }
}

/** Runs the demo; resolves with the exit code. */
export async function demo(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args,
      options: {
        peers: { type: "string", default: "4" },
        clubs: { type: "string", default: "4" },
        port: { type: "string", default: "8000" },
        seconds: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (e) {
    console.error(`demo: ${argsErrorMessage("demo", e, args)}`);
    return 2;
  }
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const numbers = readNumbers(v);
  if (typeof numbers === "string") {
    console.error(`demo: ${numbers}`);
    return 2;
  }
  const { peers, clubs, port, seconds } = numbers;
  const busy = portProblem(port);
  if (busy) {
    console.error(`demo: ${busy}`);
    return 1;
  }
  const dir = await Deno.makeTempDir({ prefix: "clubcast-demo-" });
  const children: Deno.ChildProcess[] = [];
  const spawn = (args: string[], io: Partial<Deno.CommandOptions>) => {
    const c = new Deno.Command(args[0], { args: args.slice(1), ...io }).spawn();
    children.push(c);
    return c;
  };
  const stop = new AbortController();
  try {
    const tracker = spawn([
      deno,
      ...run("tracker/cli.ts", "--port", String(port), "--kv", ":memory:", "--interval", "2"),
    ], { stdout: "piped", stderr: "inherit" });
    const trackerUrl =
      (await firstLine(tracker.stdout, /listening on (http:\/\/\S+?)\/? /, "tracker"))[1];

    const key = `${dir}/demo.key`;
    await new Deno.Command(deno, {
      args: run("source/main.ts", "keygen", "--out", key),
      stdout: "null",
      stderr: "null",
    }).output();
    const source = spawn(
      [
        deno,
        ...run("source/main.ts", "--tracker", trackerUrl, "--key", key, "--clubs", `${clubs}`),
      ],
      { stdin: "piped", stdout: "piped", stderr: "null" },
    );
    const url = (await firstLine(source.stdout, /^(\S+)\n/, "source"))[1];

    const ffmpeg = which("ffmpeg");
    let input: string;
    if (ffmpeg) {
      input = "a live ffmpeg test pattern (H.264 + AAC, about 1.1 Mbit/s)";
      const ff = spawn([
        ffmpeg,
        ...["-hide_banner", "-loglevel", "error", "-re"],
        ...["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25"],
        ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"],
        ...["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency"],
        ...["-x264-params", "repeat-headers=1", "-b:v", "1000k", "-g", "50"],
        ...["-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-f", "mpegts", "-"],
      ], { stdout: "piped", stderr: "inherit" });
      void ff.stdout.pipeTo(source.stdin).catch(() => {});
    } else {
      input = `the bundled clip ${CLIP} on a loop (ffmpeg not found)`;
      void loopClip(source.stdin, stop.signal);
    }

    const latest: Record<string, number | null>[] = [];
    let httpAt = "";
    for (let i = 0; i < peers; i++) {
      const extra = i === 0 ? ["--http", "127.0.0.1:0"] : [];
      const p = spawn([deno, ...run("peer/main.ts", url, "--stats", "json", ...extra)], {
        stdout: "null",
        stderr: "piped",
      });
      void (async () => {
        let rest = "";
        for await (const text of p.stderr.pipeThrough(new TextDecoderStream())) {
          const lines = (rest + text).split("\n");
          rest = lines.pop()!;
          for (const l of lines) {
            if (l.startsWith("{")) latest[i] = JSON.parse(l);
            const m = l.match(/serving the stream at (\S+)/);
            if (m) httpAt = m[1];
          }
        }
      })();
    }
    for (let t = 0; t < 50 && httpAt === ""; t++) await new Promise((r) => setTimeout(r, 100));
    console.log(`clubcast demo: a tracker, a source and ${peers} peers are running.

  tracker   ${trackerUrl}/   (open it in a browser)
  input     ${input}
  channel   ${url}

Watch it too:
  deno task peer ${url} | ffplay -
${httpAt ? `  or open ${httpAt} in VLC or mpv (peer 1 serves it over HTTP)\n` : ""}
Ctrl-C stops everything.
`);
    const onSignal = () => stop.abort();
    Deno.addSignalListener("SIGINT", onSignal);
    const until = Date.now() + seconds * 1000;
    while (!stop.signal.aborted && Date.now() < until) {
      await new Promise((r) => setTimeout(r, Math.min(5000, until - Date.now())));
      const live = latest.filter((s) => s);
      const sum = (k: string) => live.reduce((n, s) => n + Number(s[k] ?? 0), 0);
      const delays = live.map((s) => s.delayMs).filter((d): d is number => d !== null);
      console.log(
        `demo: ${live.filter((s) => s.firstByteMs !== null).length}/${peers} peers playing, ` +
          `in ${Math.round(sum("kbpsIn") / Math.max(1, live.length))} kbit/s each, ` +
          `delay ${delays.length ? (Math.max(...delays) / 1000).toFixed(1) : "-"} s, ` +
          `skipped blocks ${sum("skipped")}`,
      );
    }
    Deno.removeSignalListener("SIGINT", onSignal);
    return 0;
  } catch (e) {
    console.error(`demo: ${(e as Error).message}`);
    return 1;
  } finally {
    stop.abort();
    console.log("demo: stopping");
    for (const c of children.reverse()) {
      try {
        c.kill("SIGTERM");
      } catch { /* gone */ }
    }
    await Promise.all(children.map((c) => c.status));
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) Deno.exit(await demo(Deno.args));
