/**
 * Helpers of the end-to-end tests: make an ffmpeg test stream, start `source` and `peer`
 * (under Deno, or as compiled binaries) as real processes on loopback, feed the source at
 * a steady bitrate, collect each peer's stdout, and check outputs against the input.
 */
import { tmpdir } from "node:os";
import { concatBytes } from "../lib/bytes.ts";
import { startsVideoKeyframe } from "../peer/ts_gate.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/**
 * Runs `fn` holding a lock that every end-to-end swarm of this machine takes: `deno test
 * --parallel` runs test files side by side, and two swarms of real processes on a 2-core
 * machine starve each other (stalls, skipped blocks, a source that takes seconds to start),
 * which is not what either test measures. The lock is a file lock, released when the file
 * closes (also if the process dies).
 */
export async function oneSwarmAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const file = await Deno.open(`${tmpdir()}/clubcast-e2e.lock`, { create: true, write: true });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    file.close();
  }
}

/** How to start a program: under Deno from source, or a compiled binary. */
export function denoCommand(program: "peer" | "source"): string[] {
  return [Deno.execPath(), "run", "-A", "--unstable-net", `${ROOT}${program}/main.ts`];
}

/**
 * Makes `seconds` of a 2 Mbit/s MPEG-TS test stream (H.264 640x360 25 fps, 1 s GOP, with
 * parameter sets on every keyframe; AAC 96 kbit/s; CBR mux) with ffmpeg's lavfi sources:
 * `video` (a lavfi video source, default testsrc2) and a `toneHz` sine. Another pattern
 * makes a stream none of whose media packets is in the first (a restarted encoder's).
 */
export async function makeTestStream(
  path: string,
  seconds: number,
  video = "testsrc2",
  toneHz = 440,
): Promise<void> {
  const args = [
    ...["-hide_banner", "-loglevel", "error", "-y"],
    ...["-f", "lavfi", "-i", `${video}=size=640x360:rate=25`],
    ...["-f", "lavfi", "-i", `sine=frequency=${toneHz}:sample_rate=48000`],
    ...["-t", String(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency"],
    ...["-x264-params", "repeat-headers=1", "-b:v", "1700k", "-maxrate", "1700k"],
    ...["-bufsize", "850k", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k"],
    ...["-f", "mpegts", "-muxrate", "2000k", path],
  ];
  const out = await new Deno.Command("ffmpeg", { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(`ffmpeg failed: ${new TextDecoder().decode(out.stderr)}`);
}

/**
 * Collects a child's stderr as text lines, and when each line came (`performance.now()`)
 * into `at` if given.
 */
function drainLines(
  stream: ReadableStream<Uint8Array>,
  into: string[],
  at?: number[],
): Promise<void> {
  return (async () => {
    let rest = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + text).split("\n");
      rest = parts.pop()!;
      into.push(...parts);
      at?.push(...parts.map(() => performance.now()));
    }
    if (rest) (into.push(rest), at?.push(performance.now()));
  })();
}

/** Makes a channel key file in `dir` with `source keygen`; its path. */
export async function makeSourceKey(dir: string): Promise<string> {
  const path = `${dir}/source-${crypto.randomUUID()}.key`;
  const cmd = denoCommand("source");
  const out = await new Deno.Command(cmd[0], {
    args: [...cmd.slice(1), "keygen", "--out", path],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return path;
}

/** A running source. */
export interface SourceProc {
  readonly child: Deno.ChildProcess;
  /** The announce URL it printed first. */
  readonly url: string;
  readonly stderr: string[];
  /** Feeds `data` at `bps` bits per second, then closes stdin. */
  feed(data: Uint8Array, bps: number): Promise<void>;
  /** Waits for it to exit (after the input ended), killing it after `ms`. */
  wait(ms: number): Promise<number>;
}

/** Starts `source` against `tracker` with the key at `keyPath`. */
export async function startSource(
  cmd: string[],
  tracker: string,
  keyPath: string,
  extra: string[] = [],
): Promise<SourceProc> {
  const child = new Deno.Command(cmd[0], {
    args: [
      ...cmd.slice(1),
      "--tracker",
      tracker,
      "--key",
      keyPath,
      "--bind",
      "127.0.0.1",
      ...extra,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    clearEnv: cmd.length === 1,
  }).spawn();
  const stderr: string[] = [];
  void drainLines(child.stderr, stderr);
  // The first stdout line is the announce URL; nothing else comes on stdout.
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  let seen = "";
  try {
    while (!seen.includes("\n")) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`source exited without a URL: ${stderr.join("\n")}`);
      seen += value;
    }
  } finally {
    clearTimeout(timer);
  }
  void (async () => {
    while (!(await reader.read()).done);
  })();
  const writer = child.stdin.getWriter();
  return {
    child,
    url: seen.split("\n")[0].trim(),
    stderr,
    async feed(data, bps) {
      const t0 = performance.now();
      let sent = 0;
      while (sent < data.length) {
        const due = Math.min(data.length, Math.floor(((performance.now() - t0) * bps) / 8000));
        if (due > sent) {
          await writer.write(data.subarray(sent, due));
          sent = due;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      await writer.close();
    },
    async wait(ms) {
      const t = setTimeout(() => child.kill("SIGKILL"), ms);
      const s = await child.status;
      clearTimeout(t);
      return s.code;
    },
  };
}

/** A running peer and what it wrote. */
export interface PeerProc {
  readonly name: string;
  readonly child: Deno.ChildProcess;
  readonly chunks: Uint8Array[];
  /** When each chunk of stdout came (`performance.now()`). */
  readonly chunkAt: number[];
  readonly stderr: string[];
  /** When each stderr line came (`performance.now()`). */
  readonly stderrAt: number[];
  /** ms from spawn to the first byte on stdout (undefined until then). */
  firstByteMs: number | undefined;
  /** All of stdout so far. */
  output(): Uint8Array;
  /** Sends SIGTERM (or `signal`) and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
  /** Closes the read end of its stdout, as a player that quits does; waits for the exit. */
  closeStdout(): Promise<number>;
}

/** Starts `peer <url>`. */
export function startPeer(
  cmd: string[],
  name: string,
  url: string,
  extra: string[] = [],
): PeerProc {
  const t0 = performance.now();
  const child = new Deno.Command(cmd[0], {
    args: [...cmd.slice(1), url, "--stats", "json", "--bind", "127.0.0.1", ...extra],
    stdout: "piped",
    stderr: "piped",
    // A compiled binary runs with an empty environment: no PATH, so no deno or bun to lean on.
    clearEnv: cmd.length === 1,
  }).spawn();
  // A peer that does not exit within 15 s of being told to is killed: the test then fails
  // on its exit code instead of hanging.
  const exited = async () => {
    const t = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 15_000);
    const s = await child.status;
    clearTimeout(t);
    return s.code;
  };
  const p: PeerProc = {
    name,
    child,
    chunks: [],
    chunkAt: [],
    stderr: [],
    stderrAt: [],
    firstByteMs: undefined,
    output: () => concatBytes(p.chunks),
    async stop(signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* gone */ }
      return await exited();
    },
    async closeStdout() {
      await reader.cancel();
      return await exited();
    },
  };
  void drainLines(child.stderr, p.stderr, p.stderrAt);
  const reader = child.stdout.getReader();
  void (async () => {
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        p.firstByteMs ??= performance.now() - t0;
        p.chunks.push(value);
        p.chunkAt.push(performance.now());
      }
    } catch { /* cancelled */ }
  })();
  return p;
}

/** Where `out` starts inside `input` (at a TS packet boundary), or -1. */
export function offsetIn(input: Uint8Array, out: Uint8Array): number {
  const head = out.subarray(0, Math.min(out.length, 188 * 8));
  outer: for (let i = 0; i + head.length <= input.length; i += 188) {
    for (let j = 0; j < head.length; j++) if (input[i + j] !== head[j]) continue outer;
    return i;
  }
  return -1;
}

/** The first byte where `out` differs from `input` read from `at`, or -1 if none. */
export function firstDifference(input: Uint8Array, at: number, out: Uint8Array): number {
  if (at + out.length > input.length) return Math.max(0, input.length - at);
  for (let i = 0; i < out.length; i++) if (out[i] !== input[at + i]) return i;
  return -1;
}

/** `out` cut before its last clean entry point (PAT before a keyframe): whole GOPs only. */
export function wholeGops(out: Uint8Array): Uint8Array {
  let lastPat = -1, cut = 0;
  for (let o = 0; o + 188 <= out.length; o += 188) {
    const pkt = out.subarray(o, o + 188);
    if ((((pkt[1] & 0x1f) << 8) | pkt[2]) === 0) lastPat = o;
    else if (lastPat >= 0 && startsVideoKeyframe(pkt)) cut = lastPat;
  }
  return out.subarray(0, cut);
}

/** ffprobe's complaints (stderr lines) when it decodes every frame of `data`. */
export async function ffprobeErrors(data: Uint8Array, dir: string): Promise<string[]> {
  const path = `${dir}/probe-${crypto.randomUUID()}.ts`;
  await Deno.writeFile(path, data);
  const out = await new Deno.Command("ffprobe", {
    args: [
      "-v",
      "error",
      "-count_frames",
      "-show_entries",
      "stream=nb_read_frames",
      "-of",
      "csv",
      path,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(path);
  const err = new TextDecoder().decode(out.stderr).split("\n").filter((l) => l.trim() !== "");
  if (!out.success) err.push(`ffprobe exit ${out.code}`);
  // csv lines: "stream,<frames>" per stream (MPEG-TS adds "program,stream,<frames>" lines
  // and a blank one before them, which are the same streams again).
  const frames = new TextDecoder().decode(out.stdout).split("\n")
    .filter((l) => /^stream,\d+$/.test(l.trim()))
    .map((l) => Number(l.trim().split(",")[1]));
  if (frames.length === 0 || !frames.every((n) => n > 0)) {
    err.push(`no frames decoded: ${frames}`);
  }
  return err;
}

/** The peer's last "leaving (played N blocks, skipped M)" numbers. */
export function leavingCounts(stderr: string[]): { played: number; skipped: number } | undefined {
  for (let i = stderr.length - 1; i >= 0; i--) {
    const m = stderr[i].match(/played (\d+) blocks, skipped (\d+)/);
    if (m) return { played: Number(m[1]), skipped: Number(m[2]) };
  }
  return undefined;
}

/** Builds `peer` and `source` with `bun build --compile` into `dir`; the paths, by name. */
export async function compileBinaries(bun: string, dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const program of ["peer", "source"]) {
    const path = `${dir}/${program}`;
    const r = await new Deno.Command(bun, {
      args: ["build", "--compile", `${ROOT}${program}/main.ts`, "--outfile", path],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!r.success) throw new Error(`bun build ${program}: ${new TextDecoder().decode(r.stderr)}`);
    out[program] = path;
  }
  return out;
}

/** How an output relates to the input, packet by packet. */
export interface PacketMatch {
  /** Output packets found in the input, in input order. */
  readonly matched: number;
  /** Input packets missing between the first and the last matched one. */
  readonly missing: number;
  /** Index (in packets) of the first output packet not found in order (-1: none). */
  readonly stray: number;
}

/**
 * Walks `out` 188 bytes at a time, finding each packet in `input` at or after the previous
 * match (a gap is allowed, going back is not). Every packet a peer writes must be a packet
 * of the input, in input order: anything else is corruption, reordering or duplication.
 */
export function matchPackets(input: Uint8Array, out: Uint8Array, window = 50_000): PacketMatch {
  const total = Math.floor(input.length / 188);
  const eq = (i: number, k: number) => {
    for (let b = 0; b < 188; b++) if (input[i * 188 + b] !== out[k * 188 + b]) return false;
    return true;
  };
  let next = 0, matched = 0, missing = 0, first = -1;
  const n = Math.floor(out.length / 188);
  for (let k = 0; k < n; k++) {
    let i = next;
    while (i < total && i < next + window && !eq(i, k)) i++;
    if (i >= total || i >= next + window) return { matched, missing, stray: k };
    if (first >= 0) missing += i - next;
    else first = i;
    matched++;
    next = i + 1;
  }
  return { matched, missing, stray: out.length % 188 === 0 ? -1 : n };
}
