/** Finds programs on PATH (tests use it to skip what needs bun or ffmpeg when absent). */
import process from "node:process";
import { statSync } from "node:fs";

/** The path of executable `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  const sep = process.platform === "win32" ? ";" : ":";
  const exts = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const dir of (process.env.PATH ?? "").split(sep)) {
    if (dir === "") continue;
    for (const ext of exts) {
      const p = `${dir}/${name}${ext}`;
      try {
        if (statSync(p).isFile()) return p;
      } catch { /* not here */ }
    }
  }
  return undefined;
}
