/**
 * Starts tracker/cli.ts as a child process on a free loopback port and waits for its
 * "listening on" line; used by the real-port, Chromium and benchmark runs.
 */

/** A running tracker process. */
export interface TrackerProcess {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly child: Deno.ChildProcess;
  /** Stops the process (SIGTERM) and waits for it to exit; resolves with its exit code. */
  stop(): Promise<number>;
}

const CLI = new URL("../tracker/cli.ts", import.meta.url).pathname;

/**
 * Spawns the tracker with `args` (plus --hostname 127.0.0.1 and `--port port`: by default
 * 0, a free one; a given port brings a stopped tracker back where its peers look for it).
 */
export async function spawnTracker(args: readonly string[], port = 0): Promise<TrackerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "-A", "--unstable-kv", CLI],
      ...["--port", String(port), "--hostname", "127.0.0.1", ...args],
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`tracker exited before listening: ${seen}`);
      seen += value;
      const m = seen.match(/listening on (http:\/\/[^/\s]+)\//);
      if (m) {
        // Keep draining stdout so the child never blocks on a full pipe.
        (async () => {
          try {
            while (!(await reader.read()).done);
          } catch { /* closed */ }
        })();
        return {
          url: m[1],
          child,
          async stop() {
            try {
              child.kill("SIGTERM");
            } catch { /* already gone */ }
            return (await child.status).code;
          },
        };
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
