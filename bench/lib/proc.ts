/**
 * Linux /proc readers for the benchmarks: a process's CPU time and resident memory, and the
 * machine's description (cores, CPU model, memory, load). node:fs only, so the same file runs
 * under Deno and Bun. The parsers take text and are tested on fixed samples; the readers
 * return null where /proc is missing (not Linux) or the process is gone.
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every Linux port). */
export const CLOCK_TICKS = 100;

/** The fields of /proc/<pid>/stat the benchmarks use. */
export interface ProcStat {
  /** User-mode CPU time, clock ticks. */
  readonly utime: number;
  /** Kernel-mode CPU time, clock ticks. */
  readonly stime: number;
  /** Resident set size, pages. */
  readonly rssPages: number;
}

/**
 * Parses the text of /proc/<pid>/stat. The command name (field 2) is in parentheses and may
 * hold spaces and parentheses itself, so fields are counted from the last ")". Returns
 * undefined on text that does not look like a stat line.
 */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  // After ") " come fields 3 (state) onwards: utime is field 14, stime 15, rss 24.
  const f = text.slice(close + 2).trim().split(/\s+/);
  if (f.length < 22) return undefined;
  const utime = Number(f[11]), stime = Number(f[12]), rssPages = Number(f[21]);
  if (![utime, stime, rssPages].every(Number.isFinite)) return undefined;
  return { utime, stime, rssPages };
}

/** The VmRSS line of /proc/<pid>/status, in bytes; undefined when absent. */
export function parseStatusRss(text: string): number | undefined {
  const m = text.match(/^VmRSS:\s+(\d+)\s+kB/m);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** CPU seconds (user + system) a process has used so far, or null. */
export function cpuSeconds(pid: number): number | null {
  try {
    const s = parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
    return s ? (s.utime + s.stime) / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

/** A process's resident memory in bytes (VmRSS), or null. */
export function rssBytes(pid: number): number | null {
  try {
    return parseStatusRss(readFileSync(`/proc/${pid}/status`, "utf8")) ?? null;
  } catch {
    return null;
  }
}

/** The 1-, 5- and 15-minute load averages from the text of /proc/loadavg. */
export function parseLoadavg(text: string): [number, number, number] | undefined {
  const f = text.trim().split(/\s+/).slice(0, 3).map(Number);
  return f.length === 3 && f.every(Number.isFinite) ? [f[0], f[1], f[2]] : undefined;
}

/** The load averages now, or null. */
export function loadavg(): [number, number, number] | null {
  try {
    return parseLoadavg(readFileSync("/proc/loadavg", "utf8")) ?? null;
  } catch {
    return null;
  }
}

/** The CPU model and logical core count from the text of /proc/cpuinfo. */
export function parseCpuinfo(text: string): { model: string; cores: number } {
  const models = [...text.matchAll(/^model name\s*:\s*(.*)$/gm)].map((m) => m[1].trim());
  return { model: models[0] ?? "unknown", cores: models.length };
}

/** MemTotal of /proc/meminfo, in bytes; undefined when absent. */
export function parseMemTotal(text: string): number | undefined {
  const m = text.match(/^MemTotal:\s+(\d+)\s+kB/m);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** What the results were measured on. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpu: string;
  readonly memGiB: number;
  readonly load: readonly number[] | null;
}

/** Reads the machine's description from /proc (zeros and "unknown" elsewhere). */
export function machineInfo(): MachineInfo {
  let cpu = { model: "unknown", cores: 0 };
  let mem = 0;
  try {
    cpu = parseCpuinfo(readFileSync("/proc/cpuinfo", "utf8"));
    mem = parseMemTotal(readFileSync("/proc/meminfo", "utf8")) ?? 0;
  } catch { /* not Linux */ }
  return {
    cores: cpu.cores,
    cpu: cpu.model,
    memGiB: Math.round(mem / 2 ** 30 * 10) / 10,
    load: loadavg(),
  };
}
