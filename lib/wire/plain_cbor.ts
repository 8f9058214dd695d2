/**
 * A reader and a writer for the plain CBOR the wire is made of (docs/protocol.md,
 * "Datagrams"): definite-length arrays, unsigned integers, byte strings, ASCII text, false,
 * true and null, every integer and length in its shortest form. cbor-x (cbor.ts) stays the
 * reference and does everything else: the reader gives up on anything outside that subset
 * (non-shortest forms, floats, tags, maps, indefinite lengths, non-ASCII text, bytes after
 * the value) and the writer on any value cbor-x would write otherwise, and the codec then
 * asks cbor-x. So a datagram decodes to what cbor-x makes of it and a message encodes to
 * cbor-x's bytes, at a fraction of the cost: cbor-x took 4-6 µs per block datagram each way
 * (bench/README.md), the largest share of a relayed block's own work.
 */

/** What {@link readPlain} returns for bytes outside the subset (ask cbor-x). */
export const NOT_PLAIN: unique symbol = Symbol("not plain CBOR");

/** Deepest nesting read (the wire's is 3: datagram, block or bitfield, nothing deeper). */
const MAX_DEPTH = 4;

let src: Uint8Array = new Uint8Array(0);
let pos = 0;
/** Set when the bytes leave the subset; every reader checks it on the way out. */
let bad = false;

/**
 * The value `bytes` encode, byte strings as views of `bytes` (not copies), or NOT_PLAIN when
 * they are not exactly one plain value in shortest form.
 */
export function readPlain(bytes: Uint8Array): unknown {
  beginRead(bytes);
  const v = item(0);
  return endRead() ? v : NOT_PLAIN;
}

const EMPTY = new Uint8Array(0);

function item(depth: number): unknown {
  if (pos >= src.length) return fail();
  const ib = src[pos++];
  const major = ib >> 5, ai = ib & 31;
  switch (major) {
    case 0:
      return arg(ai);
    case 2: {
      const n = arg(ai);
      if (bad || n > src.length - pos) return fail();
      const v = src.subarray(pos, pos + n);
      pos += n;
      return v;
    }
    case 3: {
      const n = arg(ai);
      if (bad || n > src.length - pos) return fail();
      let s = "";
      for (let i = pos; i < pos + n; i++) {
        const c = src[i];
        if (c >= 0x80) return fail(); // UTF-8 beyond ASCII: cbor-x's to decode
        s += String.fromCharCode(c);
      }
      pos += n;
      return s;
    }
    case 4: {
      const n = arg(ai);
      // Every element takes at least a byte: a longer count cannot be well-formed.
      if (bad || depth >= MAX_DEPTH || n > src.length - pos) return fail();
      const a = new Array(n);
      for (let i = 0; i < n; i++) {
        a[i] = item(depth + 1);
        if (bad) return undefined;
      }
      return a;
    }
    case 7:
      if (ai === 20) return false;
      if (ai === 21) return true;
      if (ai === 22) return null;
      return fail();
    default:
      return fail(); // negative integers, maps, tags
  }
}

/** The argument of an initial byte whose low bits are `ai`, in shortest form only. */
function arg(ai: number): number {
  if (ai < 24) return ai;
  const s = src, p = pos;
  switch (ai) {
    case 24:
      if (p + 1 > s.length || s[p] < 24) return fail();
      pos = p + 1;
      return s[p];
    case 25: {
      if (p + 2 > s.length) return fail();
      const v = (s[p] << 8) | s[p + 1];
      if (v < 0x100) return fail();
      pos = p + 2;
      return v;
    }
    case 26: {
      if (p + 4 > s.length) return fail();
      const v = s[p] * 0x1000000 + ((s[p + 1] << 16) | (s[p + 2] << 8) | s[p + 3]);
      if (v < 0x10000) return fail();
      pos = p + 4;
      return v;
    }
    case 27: {
      if (p + 8 > s.length) return fail();
      const hi = s[p] * 0x1000000 + ((s[p + 1] << 16) | (s[p + 2] << 8) | s[p + 3]);
      const lo = s[p + 4] * 0x1000000 + ((s[p + 5] << 16) | (s[p + 6] << 8) | s[p + 7]);
      // Shortest form, and a safe integer (cbor-x would round a larger one to a float).
      if (hi === 0 || hi > 0x1fffff) return fail();
      pos = p + 8;
      return hi * 0x100000000 + lo;
    }
    default:
      return fail(); // reserved, or indefinite length
  }
}

function fail(): never {
  bad = true;
  return undefined as never;
}

/**
 * Reading item by item, for a caller that knows the shape it expects (block_codec.ts): no
 * array or value is built but what the caller keeps. {@link beginRead}, then the read
 * functions in the order of the items, then {@link endRead}, which says whether every item
 * was of the kind read, in shortest form, and nothing came after the last. A read of the
 * wrong kind returns a stand-in (-1, false, an empty view) and fails the whole read.
 */
export function beginRead(bytes: Uint8Array): void {
  src = bytes;
  pos = 0;
  bad = false;
}

/** True iff every item since {@link beginRead} read as asked and the bytes ended there. */
export function endRead(): boolean {
  const ok = !bad && pos === src.length;
  src = EMPTY;
  return ok;
}

/** The next item as an unsigned integer (a safe one), or -1 when it is none. */
export function readUint(): number {
  return headOf(0);
}

/** The element count of the next item, an array, or -1 when it is none. */
export function readArrayHead(): number {
  return headOf(4);
}

/** The argument of the next item's head if it is of major type `major`, else -1 (failed). */
function headOf(major: number): number {
  if (bad || pos >= src.length || src[pos] >> 5 !== major) return miss(-1);
  const v = arg(src[pos++] & 31);
  return bad ? -1 : v;
}

/** The next item as a boolean (false when it is none). */
export function readBool(): boolean {
  const ib = bad || pos >= src.length ? 0 : src[pos];
  if (ib !== 0xf4 && ib !== 0xf5) return miss(false);
  pos++;
  return ib === 0xf5;
}

/** The next item, a byte string, as a view of the bytes read (empty when it is none). */
export function readBytes(): Uint8Array {
  const n = headOf(2);
  if (n < 0 || n > src.length - pos) return miss(EMPTY);
  const v = src.subarray(pos, pos + n);
  pos += n;
  return v;
}

function miss<T>(standIn: T): T {
  bad = true;
  return standIn;
}

let out: Uint8Array = EMPTY;
let at = 0;
let limit = 0;

/**
 * Writes `value` into `into` (from `start`, before `end`) as cbor-x would (with the codec's options) and returns the
 * bytes written, or -1 when it holds anything the writer leaves to cbor-x (a number that is
 * not a safe non-negative integer, text beyond ASCII, any other type) or does not fit.
 * Integers above 2^32 - 1, numbers or BigInts, take the 8-byte form: what cbor-x writes for
 * them as BigInts (layout.ts makes them BigInts for cbor-x, which writes such numbers as
 * floats).
 */
export function writePlain(
  value: unknown,
  into: Uint8Array,
  start = 0,
  end = into.length,
): number {
  beginWrite(into, start, end);
  if (!put(value, 0)) writeFailed = true;
  return endWrite();
}

function put(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case "number":
      // Fractions, negatives and unsafe integers are cbor-x's.
      if (!(v >= 0 && Math.floor(v) === v)) return false;
      if (v <= 0xffffffff) return head(0, v);
      if (v > Number.MAX_SAFE_INTEGER || at + 9 > limit) return false;
      out[at] = 0x1b;
      writeU32(at + 1, Math.floor(v / 0x100000000));
      writeU32(at + 5, v >>> 0);
      at += 9;
      return true;
    case "bigint":
      if (v < 0x100000000n || v > 0xffffffffffffffffn) return false;
      if (at + 9 > limit) return false;
      out[at] = 0x1b;
      writeU32(at + 1, Number(v >> 32n));
      writeU32(at + 5, Number(v & 0xffffffffn));
      at += 9;
      return true;
    case "boolean":
      if (at + 1 > limit) return false;
      out[at++] = v ? 0xf5 : 0xf4;
      return true;
    case "string": {
      const n = v.length;
      if (!head(3, n) || at + n > limit) return false;
      for (let i = 0; i < n; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x80) return false;
        out[at + i] = c;
      }
      at += n;
      return true;
    }
    case "object": {
      if (v === null) {
        if (at + 1 > limit) return false;
        out[at++] = 0xf6;
        return true;
      }
      if (Array.isArray(v)) {
        if (depth >= MAX_DEPTH || !head(4, v.length)) return false;
        for (let i = 0; i < v.length; i++) if (!put(v[i], depth + 1)) return false;
        return true;
      }
      // Only plain Uint8Arrays: cbor-x tags other typed arrays, and writes a Buffer alike
      // but a subclass may carry more.
      if (v instanceof Uint8Array && Object.getPrototypeOf(v) === Uint8Array.prototype) {
        const n = v.length;
        if (!head(2, n) || at + n > limit) return false;
        out.set(v, at);
        at += n;
        return true;
      }
      return false;
    }
    default:
      return false;
  }
}

/**
 * Writing item by item, the counterpart of the reading above: {@link beginWrite}, the write
 * functions in order, then {@link endWrite} for the bytes written, or -1 when something did
 * not fit or was outside the subset; the bytes are what {@link writePlain} writes for the
 * array of the same items.
 */
export function beginWrite(into: Uint8Array, start: number, end: number): void {
  out = into;
  at = start;
  limit = end;
  writeFailed = false;
  writeStart = start;
}

/** The bytes written since {@link beginWrite}, or -1 when a write failed. */
export function endWrite(): number {
  out = EMPTY;
  return writeFailed ? -1 : at - writeStart;
}

/** Writes the head of an array of `n` elements. */
export function writeArrayHead(n: number): void {
  if (!head(4, n)) writeFailed = true;
}

/** Writes one value as {@link writePlain} would (a number, a boolean, bytes, ...). */
export function writeValue(v: unknown): void {
  if (!put(v, 1)) writeFailed = true;
}

let writeFailed = false;
let writeStart = 0;

/** The initial byte of major type `major` with argument `n` (0..2^32 - 1), shortest form. */
function head(major: number, n: number): boolean {
  const m = major << 5;
  if (n < 24) {
    if (at + 1 > limit) return false;
    out[at++] = m | n;
  } else if (n < 0x100) {
    if (at + 2 > limit) return false;
    out[at] = m | 24;
    out[at + 1] = n;
    at += 2;
  } else if (n < 0x10000) {
    if (at + 3 > limit) return false;
    out[at] = m | 25;
    out[at + 1] = n >> 8;
    out[at + 2] = n & 0xff;
    at += 3;
  } else {
    if (at + 5 > limit) return false;
    out[at] = m | 26;
    writeU32(at + 1, n);
    at += 5;
  }
  return true;
}

function writeU32(i: number, n: number): void {
  out[i] = n >>> 24;
  out[i + 1] = (n >>> 16) & 0xff;
  out[i + 2] = (n >>> 8) & 0xff;
  out[i + 3] = n & 0xff;
}
