/**
 * The `source` program: broadcasts a live MPEG-TS stream from stdin (or a file) to a
 * clubcast swarm, or makes a key (`source keygen`). `source --help` for the flags.
 *
 *     ffmpeg -re -i in.mp4 -c copy -f mpegts - | deno task source --tracker http://127.0.0.1:8000
 */
import { keepFreedPagesUnderBun } from "../lib/net/bun_allocator.ts";
import { env, exit, programArgs, writeStderr } from "../lib/net/runtime.ts";
import { parseFlags } from "./flags.ts";
import { join } from "node:path";
import { fsReason } from "../lib/net/fs_reason.ts";
import { openInput } from "./input.ts";
import {
  defaultKeyPath,
  generateKey,
  isDirectory,
  loadOrCreateKey,
  readKey,
  writeKey,
} from "./key.ts";
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
      if (path === undefined) return refuse(NO_HOME("--out"));
      if (isDirectory(path)) {
        return refuse(
          `cannot write ${path}: it is a directory; give a file in it, e.g. --out ${
            join(path, "source.key")
          }`,
        );
      }
      const key = generateKey();
      try {
        writeKey(path, key, flags.force);
      } catch (e) {
        const exists = (e as { code?: string }).code === "EEXIST";
        return refuse(
          `cannot write ${path}: ${
            exists ? "the file exists (--force replaces it, and loses its channel)" : fsReason(e)
          }`,
        );
      }
      console.log(key.channel);
      writeStderr(`source: wrote a new key to ${path} (mode 0600); keep it: it is the channel\n`);
      return 0;
    }
    case "stream": {
      const path = flags.key ?? defaultKeyPath(env);
      if (path === undefined) return refuse(NO_HOME("--key"));
      if (isDirectory(path)) {
        const file = join(path, "source.key");
        return refuse(
          flags.key === undefined
            ? `the default key path ${path} is a directory; pass --key <file>`
            : `--key ${path} is a directory; give a key file in it, e.g. --key ${file}\n` +
              `(make one with: source keygen --out ${file})`,
        );
      }
      // Before the key (which may be made now) and the tracker: a bad input changes nothing.
      const input = await openInput(flags.input);
      if (input instanceof Error) return refuse(input.message);
      let key;
      if (flags.key !== undefined) {
        key = readKey(path);
        if (key instanceof Error) {
          return refuse(`${key.message}\n(make one with: source keygen --out ${path})`);
        }
      } else {
        const got = loadOrCreateKey(path);
        if (got instanceof Error) return refuse(got.message);
        if (got.created) writeStderr(`source: made a new channel key at ${path}\n`);
        key = got.key;
      }
      return await runSource(flags, key, input, {
        stdoutLine: (line) => console.log(line),
        stderr: writeStderr,
      }, statePathOf(path));
    }
  }
}

/** Why there is no default key path, and the flag that gives one. */
const NO_HOME = (flag: string) =>
  `no HOME or XDG_CONFIG_HOME to keep the channel key in; pass ${flag} <file>`;

/** Says what is wrong on stderr; exit code 1. */
function refuse(message: string): number {
  writeStderr(`source: ${message}\n`);
  return 1;
}

if (import.meta.main) {
  keepFreedPagesUnderBun(); // under Bun: restarts in place, its allocator keeping freed pages
  exit(await main(programArgs()));
}
