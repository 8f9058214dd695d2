/**
 * The `source` program: broadcasts a live MPEG-TS stream from stdin (or a file) to a
 * clubcast swarm, or makes a key (`source keygen`). `source --help` for the flags.
 *
 *     ffmpeg -re -i in.mp4 -c copy -f mpegts - | deno task source --tracker http://127.0.0.1:8000
 */
import { keepFreedPagesUnderBun } from "../lib/net/bun_allocator.ts";
import { env, exit, programArgs, writeStderr } from "../lib/net/runtime.ts";
import { parseFlags } from "./flags.ts";
import { defaultKeyPath, generateKey, loadOrCreateKey, readKey, writeKey } from "./key.ts";
import { statePathOf } from "./state_file.ts";
import { runSource } from "./session.ts";

/** Runs the program with `args`; resolves with the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const flags = parseFlags(args);
  switch (flags.kind) {
    case "help":
      console.log(flags.text);
      return 0;
    case "error":
      writeStderr(`source: ${flags.message}\n`);
      return 2;
    case "keygen": {
      const path = flags.out ?? defaultKeyPath(env);
      const key = generateKey();
      try {
        writeKey(path, key, flags.force);
      } catch (e) {
        const exists = (e as { code?: string }).code === "EEXIST";
        writeStderr(
          `source: cannot write ${path}: ${
            exists ? "the file exists (--force replaces it, and loses its channel)" : e
          }\n`,
        );
        return 1;
      }
      console.log(key.channel);
      writeStderr(`source: wrote a new key to ${path} (mode 0600); keep it: it is the channel\n`);
      return 0;
    }
    case "stream": {
      const path = flags.key ?? defaultKeyPath(env);
      let key;
      if (flags.key !== undefined) {
        key = readKey(path);
        if (key instanceof Error) {
          writeStderr(`source: ${key.message}\n(make one with: source keygen --out ${path})\n`);
          return 1;
        }
      } else {
        const got = loadOrCreateKey(path);
        if (got instanceof Error) {
          writeStderr(`source: ${got.message}\n`);
          return 1;
        }
        if (got.created) writeStderr(`source: made a new channel key at ${path}\n`);
        key = got.key;
      }
      return await runSource(flags, key, {
        stdoutLine: (line) => console.log(line),
        stderr: writeStderr,
      }, statePathOf(path));
    }
  }
}

if (import.meta.main) {
  keepFreedPagesUnderBun(); // under Bun: restarts in place, its allocator keeping freed pages
  exit(await main(programArgs()));
}
