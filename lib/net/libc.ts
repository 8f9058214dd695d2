/**
 * The libc calls of the FFI socket (linux_udp.ts), through whichever FFI the runtime has:
 * Deno's `Deno.dlopen` (where the ffi permission is granted, ffi.ts) or Bun's `bun:ffi`
 * (always there). Only on x86_64 and aarch64 Linux, whose struct layouts mmsg.ts and
 * sockaddr.ts write. Bun's module is reached through `import.meta.require` (ffi.ts), so this
 * file loads (and type-checks) under Deno too.
 */
import { bunFfi, denoFfi, openLibrary } from "./ffi.ts";

/** The libc functions the FFI socket calls; byte arguments are passed as pointers. */
export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Uint8Array, len: number): number;
  getsockname(fd: number, addr: Uint8Array, len: Uint8Array): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, len: number): number;
  getsockopt(fd: number, level: number, name: number, value: Uint8Array, len: Uint8Array): number;
  recvmmsg(fd: number, vec: Uint8Array, n: number, flags: number, timeout: null): number;
  sendmmsg(fd: number, vec: Uint8Array, n: number, flags: number): number;
  sendto(
    fd: number,
    buf: Uint8Array,
    len: bigint,
    flags: number,
    addr: Uint8Array,
    addrLen: number,
  ): number | bigint;
  close(fd: number): number;
  eventfd(initval: number, flags: number): number;
  write(fd: number, buf: Uint8Array, len: bigint): number | bigint;
  /** Replaces the process image; returns (-1) only when it could not. */
  execve(path: Uint8Array, argv: Uint8Array, envp: Uint8Array): number;
}

/** libc, bound through one runtime's FFI. */
export interface LibcBinding {
  readonly libc: Libc;
  /** This thread's errno, as the last call left it. */
  errno(): number;
  /** The address of the first byte of `b` (whose buffer must stay where it is: a plain ArrayBuffer). */
  addressOf(b: Uint8Array): bigint;
  /**
   * poll(fds, n, timeout) on a worker thread, settling when it returns; undefined where the
   * runtime cannot call into C off its main thread (Bun: the socket is then drained on a
   * timer instead, linux_udp.ts).
   */
  readonly pollOffThread?: (fds: Uint8Array, n: bigint, timeoutMs: number) => Promise<number>;
}

const DENO_SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  recvmmsg: { parameters: ["i32", "buffer", "u32", "i32", "pointer"], result: "i32" },
  sendmmsg: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  sendto: {
    parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"],
    result: "isize",
  },
  close: { parameters: ["i32"], result: "i32" },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
} as const;

/**
 * True for the platforms whose struct layouts mmsg.ts and sockaddr.ts write: Linux on x86_64
 * or aarch64 (Deno's names for them, or Node's and Bun's: "x64", "arm64").
 */
export function ffiSocketPlatform(os: string | undefined, arch: string | undefined): boolean {
  return os === "linux" && ["x86_64", "aarch64", "x64", "arm64"].includes(arch ?? "");
}

/** Bun's names for Deno's FFI types above. */
const BUN_TYPE: Record<string, string> = { buffer: "ptr", pointer: "ptr" };

let cached: LibcBinding | null | undefined;

/** libc through this runtime's FFI, or null where it cannot be had (then nothing is tried again). */
export function loadLibc(): LibcBinding | null {
  if (cached === undefined) {
    try {
      cached = denoLibc() ?? bunLibc();
    } catch {
      cached = null;
    }
  }
  return cached;
}

function denoLibc(): LibcBinding | null {
  const d = denoFfi();
  if (!d || !ffiSocketPlatform(d.build.os, d.build.arch)) return null;
  const lib = openLibrary(d, "libc.so.6", DENO_SYMBOLS);
  if (!lib) return null;
  const p = lib.symbols.__errno_location();
  if (!p) return null;
  const errno = new d.UnsafePointerView(p);
  const s = lib.symbols;
  return {
    libc: s as unknown as Libc,
    errno: () => errno.getInt32(),
    addressOf: (b) => {
      const ptr = d.UnsafePointer.of(b as Uint8Array<ArrayBuffer>);
      if (!ptr) throw new Error("no pointer");
      return BigInt(d.UnsafePointer.value(ptr));
    },
    pollOffThread: (fds, n, timeout) => s.poll(fds as Uint8Array<ArrayBuffer>, n, timeout),
  };
}

function bunLibc(): LibcBinding | null {
  const g = globalThis as { process?: { platform?: string; arch?: string } };
  const ffi = bunFfi();
  if (!ffi || !ffiSocketPlatform(g.process?.platform, g.process?.arch)) return null;
  const symbols: Record<string, { args: string[]; returns: string }> = {};
  for (const [name, f] of Object.entries(DENO_SYMBOLS)) {
    if (name === "poll") continue; // blocking: Bun has no calls off its main thread
    symbols[name] = {
      args: f.parameters.map((t) => BUN_TYPE[t] ?? t),
      returns: BUN_TYPE[f.result] ?? f.result,
    };
  }
  const s = ffi.dlopen("libc.so.6", symbols).symbols;
  const errnoAt = s.__errno_location() as number;
  if (!errnoAt) return null;
  return {
    libc: s as unknown as Libc,
    errno: () => ffi.read.i32(errnoAt, 0),
    addressOf: (b) => BigInt(ffi.ptr(b)),
  };
}
