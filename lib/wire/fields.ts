/**
 * Field checks shared by the encoder (local misuse: they throw RangeError) and the decoder
 * (remote input: decodeDatagram catches the RangeError and returns it as an error value).
 * One set of checks for both directions keeps what we send and what we accept identical.
 */

/** Throws the RangeError every wire check uses. */
export function fail(message: string): never {
  throw new RangeError(message);
}

/** Checks that `v` is an integer in 0..max (max at most 2^53 - 1) and returns it. */
export function uint(v: unknown, max: number, name: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > max) {
    fail(`${name}: expected an integer in 0..${max}, got ${describe(v)}`);
  }
  return v;
}

/** Checks that `v` is a boolean. */
export function bool(v: unknown, name: string): boolean {
  if (typeof v !== "boolean") fail(`${name}: expected a boolean, got ${describe(v)}`);
  return v;
}

/** Checks that `v` is a byte string of min..max bytes. */
export function bytes(v: unknown, min: number, max: number, name: string): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(`${name}: expected bytes, got ${describe(v)}`);
  if (v.length < min || v.length > max) {
    fail(`${name}: expected ${min === max ? min : `${min}..${max}`} bytes, got ${v.length}`);
  }
  return v;
}

/** Checks that `v` is an array of at most `max` elements. */
export function list(v: unknown, max: number, name: string): readonly unknown[] {
  if (!Array.isArray(v)) fail(`${name}: expected an array, got ${describe(v)}`);
  if (v.length > max) fail(`${name}: at most ${max} elements, got ${v.length}`);
  return v;
}

/** Checks that `v` is a text string of at most `maxBytes` bytes in UTF-8. */
export function text(v: unknown, maxBytes: number, name: string): string {
  if (typeof v !== "string") fail(`${name}: expected a string, got ${describe(v)}`);
  const n = utf8Length(v);
  if (n > maxBytes) fail(`${name}: at most ${maxBytes} UTF-8 bytes, got ${n}`);
  return v;
}

/** The UTF-8 length of a JS string (lone surrogates count 3 bytes, as TextEncoder's U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** A short description of an unexpected value for error messages (never echoes big data). */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `array(${v.length})`;
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return `string(${v.length})`;
  return typeof v;
}
