/**
 * Native libraries through Deno's FFI, where it is already permitted: the programs run with
 * -A, and nothing here ever prompts for a permission, or through Bun's `bun:ffi`. Only on
 * Linux (macOS aborts a process that loads its system libcrypto, and Windows names its
 * libraries otherwise); anywhere else the callers keep their portable paths.
 */

/** Deno on Linux with FFI granted (and `read` for `readPaths`), else undefined. */
export function denoFfi(readPaths: readonly string[] = []): typeof Deno | undefined {
  const d = (globalThis as { Deno?: typeof Deno }).Deno;
  if (!d || d.build?.os !== "linux" || typeof d.dlopen !== "function") return undefined;
  try {
    if (d.permissions.querySync({ name: "ffi" }).state !== "granted") return undefined;
    for (const path of readPaths) {
      if (d.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
    }
  } catch {
    return undefined;
  }
  return d;
}

/** What is used of `bun:ffi` (Bun's types are not visible to Deno's checker). */
export interface BunFfi {
  dlopen(
    name: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, (...a: unknown[]) => unknown> };
  ptr(b: Uint8Array): number;
  read: { i32(p: number, offset: number): number };
}

/** Bun's `bun:ffi` on Linux, else undefined. */
export function bunFfi(): BunFfi | undefined {
  const g = globalThis as { Bun?: unknown; process?: { platform?: string } };
  if (!g.Bun || g.process?.platform !== "linux") return undefined;
  const req = (import.meta as { require?: (id: string) => unknown }).require;
  if (typeof req !== "function") return undefined;
  try {
    return req("bun:ffi") as BunFfi;
  } catch {
    return undefined;
  }
}

const opened = new Map<string, unknown>();

/** The library `name` with `symbols`, opened once (per name and symbols); null when it cannot be. */
export function openLibrary<S extends Deno.ForeignLibraryInterface>(
  d: typeof Deno,
  name: string,
  symbols: S,
): Deno.DynamicLibrary<S> | null {
  const key = `${name} ${JSON.stringify(symbols)}`;
  if (opened.has(key)) return opened.get(key) as Deno.DynamicLibrary<S> | null;
  let lib: Deno.DynamicLibrary<S> | null;
  try {
    lib = d.dlopen(name, symbols);
  } catch {
    lib = null;
  }
  opened.set(key, lib);
  return lib;
}

/** libcrypto's three sha256 calls, the length a plain number whatever the FFI wants. */
interface Sha256Calls {
  init(ctx: Uint8Array): void;
  update(ctx: Uint8Array, data: Uint8Array, length: number): void;
  final(out: Uint8Array, ctx: Uint8Array): void;
}

type DenoSha256Lib = {
  symbols: {
    SHA256_Init(ctx: Uint8Array): number;
    SHA256_Update(ctx: Uint8Array, data: Uint8Array, len: bigint): number;
    SHA256_Final(out: Uint8Array, ctx: Uint8Array): number;
  };
};

/** Writes the sha256 of the first `length` bytes of `data` (all by default) into `out`. */
export type Sha256Into = (data: Uint8Array, out: Uint8Array, length?: number) => void;

let sha256Fn: Sha256Into | null | undefined;

/**
 * libcrypto's sha256 (SHA-NI where the CPU has it), writing the 32-byte digest into `out`;
 * undefined where it cannot be loaded. Under Deno, node:crypto's sha256 costs 5-10 µs of
 * JavaScript stream machinery per call whatever the length (bench/README.md); this costs
 * about 0.9 µs for a block and 0.3 for a Merkle node.
 *
 * Why SHA256_Init/Update/Final on a context of our own and not the one-shot SHA256(): in
 * OpenSSL 3 the one-shot looks the algorithm up in its provider tables on every call (about
 * 0.5 µs), and a "pointer" result costs an object per call. Through Deno's FFI or Bun's.
 */
export function libcryptoSha256(): Sha256Into | undefined {
  if (sha256Fn !== undefined) return sha256Fn ?? undefined;
  sha256Fn = null;
  let calls: Sha256Calls | undefined;
  try {
    calls = denoSha256() ?? bunSha256();
  } catch {
    calls = undefined;
  }
  if (calls) {
    const { init, update, final } = calls;
    // SHA256_CTX is 112 bytes; room to spare.
    const ctx = new Uint8Array(256);
    const f: Sha256Into = (data, out, length = data.length) => {
      if (out.length < 32) throw new RangeError("sha256 needs 32 bytes of output");
      if (!(length >= 0 && length <= data.length)) throw new RangeError("sha256: bad length");
      init(ctx);
      update(ctx, data, length);
      final(out, ctx);
    };
    // The empty string's digest: a library that answers otherwise is not used.
    const out = new Uint8Array(32);
    f(new Uint8Array(0), out);
    const hex = Array.from(out, (b) => b.toString(16).padStart(2, "0")).join("");
    if (hex === "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") sha256Fn = f;
  }
  return sha256Fn ?? undefined;
}

/**
 * The calls through Deno's FFI. Why the length as a BigInt: with a 64-bit parameter Deno's
 * FFI takes V8's fast call path only for a BigInt (20 ns a call here), and converts a number
 * on the slow path (230 ns).
 */
function denoSha256(): Sha256Calls | undefined {
  const d = denoFfi();
  const lib = d && openLibrary(d, "libcrypto.so.3", {
    SHA256_Init: { parameters: ["buffer"], result: "i32" },
    SHA256_Update: { parameters: ["buffer", "buffer", "usize"], result: "i32" },
    SHA256_Final: { parameters: ["buffer", "buffer"], result: "i32" },
  }) as DenoSha256Lib | null;
  if (!lib) return undefined;
  const { SHA256_Init, SHA256_Update, SHA256_Final } = lib.symbols;
  return {
    init: (ctx) => void SHA256_Init(ctx),
    update: (ctx, data, length) => void SHA256_Update(ctx, data, BigInt(length)),
    final: (out, ctx) => void SHA256_Final(out, ctx),
  };
}

/**
 * The calls through `bun:ffi`, which takes a number for a 64-bit parameter. Under Bun this
 * hashes a block in about 0.7 µs against 0.8-1.0 for node:crypto's one-shot `hash`, and a
 * Merkle node in 0.08 against 0.19, with no Buffer made per hash (bench/README.md, session 23).
 */
function bunSha256(): Sha256Calls | undefined {
  const ffi = bunFfi();
  if (!ffi) return undefined;
  const s = ffi.dlopen("libcrypto.so.3", {
    SHA256_Init: { args: ["ptr"], returns: "i32" },
    SHA256_Update: { args: ["ptr", "ptr", "usize"], returns: "i32" },
    SHA256_Final: { args: ["ptr", "ptr"], returns: "i32" },
  }).symbols;
  const { SHA256_Init, SHA256_Update, SHA256_Final } = s;
  return {
    init: (ctx) => void SHA256_Init(ctx),
    update: (ctx, data, length) => void SHA256_Update(ctx, data, length),
    final: (out, ctx) => void SHA256_Final(out, ctx),
  };
}
