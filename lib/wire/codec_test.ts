import fc from "fast-check";
import { Encoder } from "cbor-x";
import { assert, assertEquals, assertThrows } from "../testing.ts";
import { decodeDatagram, encodeDatagram } from "./codec.ts";
import { arbMsg, arbTag } from "./arbitraries.ts";
import type { Msg } from "./messages.ts";
import { WIRE_VERSION } from "./budget.ts";

const TAG = 0xdeadbeef;
const V = WIRE_VERSION;
// Hand-built datagrams, bypassing our encoder's checks, to test what the decoder refuses.
const rawEncoder = new Encoder({ useRecords: false, tagUint8Array: false });
const raw = (v: unknown) => new Uint8Array(rawEncoder.encode(v));

function refused(bytes: Uint8Array, pattern: RegExp): void {
  const r = decodeDatagram(bytes);
  assert(!r.ok, "expected an error");
  assert(pattern.test(r.error), `error "${r.error}" does not match ${pattern}`);
}

const data = (payload = new Uint8Array(10)): Msg => ({
  t: "block",
  club: 3,
  hop: 1000,
  n: 5,
  repair: false,
  block: { kind: "data", seq: 42, srcTime: 99, payload },
});

Deno.test("every valid message round-trips exactly", () => {
  fc.assert(
    fc.property(arbTag, arbMsg, (tag, msg) => {
      const bytes = encodeDatagram(tag, msg);
      assert(bytes.length <= 1200);
      assertEquals(decodeDatagram(bytes), { ok: true, tag, msg });
    }),
    { numRuns: 2000 },
  );
});

Deno.test("encodeDatagram into a buffer writes the same bytes there, as a view of it", () => {
  const into = new Uint8Array(1200);
  fc.assert(
    fc.property(arbTag, arbMsg, (tag, msg) => {
      const own = encodeDatagram(tag, msg).slice();
      assertEquals(encodeDatagram(tag, msg, into), own);
    }),
    { numRuns: 500 },
  );
  // What the plain writer writes (every message the programs send) is a view of `into`;
  // the rest comes from cbor-x, in bytes of its own.
  const view = encodeDatagram(TAG, data(), into);
  assert(view.buffer === into.buffer && view.byteOffset === 0, "a view of `into`");
  // Too small a buffer to hold every datagram: the bytes are the caller's, as without one.
  const small = new Uint8Array(100);
  assert(encodeDatagram(TAG, data(), small).buffer !== small.buffer);
});

Deno.test("decodeDatagram never throws on arbitrary bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1300 }), (bytes) => {
      const r = decodeDatagram(bytes);
      assert(r.ok || typeof r.error === "string");
    }),
    { numRuns: 5000 },
  );
});

Deno.test("mutated valid datagrams never throw, and anything accepted is valid", () => {
  const mutation = fc.record({
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
    op: fc.constantFrom("set", "cut", "insert", "delete"),
  });
  fc.assert(
    fc.property(arbTag, arbMsg, fc.array(mutation, { minLength: 1, maxLength: 4 }), (t, m, ms) => {
      const b = Array.from(encodeDatagram(t, m));
      for (const { at, byte, op } of ms) {
        const i = at % (b.length + 1);
        if (op === "set" && i < b.length) b[i] = byte;
        if (op === "cut") b.length = i;
        if (op === "insert") b.splice(i, 0, byte);
        if (op === "delete") b.splice(i, 1);
      }
      const r = decodeDatagram(new Uint8Array(b));
      // Whatever the decoder accepts, the encoder must be able to send back.
      if (r.ok) assert(encodeDatagram(r.tag, r.msg).length <= 1200);
      else assert(r.error.length > 0);
    }),
    { numRuns: 5000 },
  );
});

Deno.test("a payload is a view of its datagram; leaves, signature and bitfield are copies", () => {
  const inside = (part: Uint8Array, whole: Uint8Array) =>
    part.buffer === whole.buffer && part.byteOffset >= whole.byteOffset &&
    part.byteOffset + part.length <= whole.byteOffset + whole.length;
  for (const viaCborX of [false, true]) {
    // The same datagram in shortest form (the plain reader's) and with a float where an
    // integer goes (cbor-x's): both give the payload as a view.
    const msg = data(new Uint8Array([1, 2, 3]));
    const bytes = viaCborX
      ? raw([V, TAG, 0, 0, 0, 0, false, [0, 5.0000001e9, 1, new Uint8Array([1, 2, 3])]])
      : encodeDatagram(TAG, msg);
    const r = decodeDatagram(bytes);
    assert(r.ok && r.msg.t === "block" && r.msg.block.kind === "data", String(viaCborX));
    assertEquals(Array.from(r.msg.block.payload), [1, 2, 3]);
    assert(inside(r.msg.block.payload, bytes), "the payload is not copied");
  }
  const leaves = [new Uint8Array(16).fill(1)];
  const sig = new Uint8Array(64).fill(2);
  const block = {
    kind: "auth",
    seq: 1,
    srcTime: 2,
    count: 1,
    bitrate: 3,
    threshold: 4,
    leaves,
    sig,
  };
  const auth = encodeDatagram(
    TAG,
    { t: "block", club: 0, hop: 0, n: 0, repair: false, block } as Msg,
  );
  const a = decodeDatagram(auth);
  assert(a.ok && a.msg.t === "block" && a.msg.block.kind === "auth");
  assert(!inside(a.msg.block.leaves[0], auth) && !inside(a.msg.block.sig, auth));
  const have = { base: 3, bits: new Uint8Array([0x80]) };
  const connect = encodeDatagram(TAG, {
    t: "connect",
    club: 0,
    dir: "down",
    clubs: [0],
    have,
    cookie: 0,
  });
  const c = decodeDatagram(connect);
  assert(c.ok && c.msg.t === "connect" && c.msg.have !== null);
  assert(!inside(c.msg.have.bits, connect));
});

Deno.test("the frame is [version, tag, type, ...] with dir as 0/1 and leaves as one byte string", () => {
  assertEquals(
    Array.from(encodeDatagram(1, { t: "accept", club: 2, dir: "down", cookie: 5 })),
    [0x86, V, 1, 8, 2, 1, 5],
  );
  const leaves = [new Uint8Array(16).fill(1), new Uint8Array(16).fill(2)];
  const auth: Msg = {
    t: "block",
    club: 0,
    hop: 0,
    n: 0,
    repair: true,
    block: {
      kind: "auth",
      seq: 7,
      srcTime: 8,
      count: 2,
      bitrate: 9,
      threshold: 10,
      leaves,
      sig: new Uint8Array(64),
    },
  };
  const b = encodeDatagram(1, auth);
  // 88 03 01 00 00 00 00 f5 | 88 01 07 08 02 09 0a 58 20 <32 leaf bytes> 58 40 <sig>
  assertEquals(Array.from(b.subarray(0, 17)), [
    0x88,
    V,
    1,
    0,
    0,
    0,
    0,
    0xf5,
    0x88,
    1,
    7,
    8,
    2,
    9,
    10,
    0x58,
    32,
  ]);
  assertEquals(Array.from(b.subarray(17, 17 + 32)), [...leaves[0], ...leaves[1]]);
  assertEquals(b.length, 17 + 32 + 2 + 64);
});

Deno.test("integers above 2^32 are CBOR unsigned integers, not floats", () => {
  const b = encodeDatagram(1, { t: "ping", nonce: 2 ** 40, pad: 0 });
  assertEquals(Array.from(b), [0x85, V, 1, 3, 0x1b, 0, 0, 1, 0, 0, 0, 0, 0, 0x40]);
  // A float-encoded integral value is tolerated; a fraction is not.
  const none = new Uint8Array(0);
  assertEquals(decodeDatagram(raw([V, 1, 3, 2 ** 40, none])), {
    ok: true,
    tag: 1,
    msg: { t: "ping", nonce: 2 ** 40, pad: 0 },
  });
  refused(raw([V, 1, 3, 1.5, none]), /ping\.nonce/);
});

Deno.test("a ping's padding is zero bytes, at most MAX_PAD of them", () => {
  const r = decodeDatagram(raw([V, 1, 3, 7, new Uint8Array(5)]));
  assertEquals(r, { ok: true, tag: 1, msg: { t: "ping", nonce: 7, pad: 5 } });
  refused(raw([V, 1, 3, 7, new Uint8Array([0, 1])]), /ping\.pad: expected zero bytes/);
  refused(raw([V, 1, 3, 7, new Uint8Array(65)]), /ping\.pad/);
  refused(raw([V, 1, 3, 7, 3]), /ping\.pad/);
});

Deno.test("the decoder refuses malformed frames", () => {
  refused(new Uint8Array(0), /empty/);
  refused(new Uint8Array(1201), /exceeds 1200/);
  refused(new Uint8Array([0xff]), /^cbor:/);
  refused(encodeDatagram(TAG, data()).subarray(0, 20), /^cbor:/);
  refused(
    new Uint8Array([
      ...encodeDatagram(TAG, { t: "keepalive", club: 1, lead: false, cookie: 0, offers: false }),
      0,
    ]),
    /^cbor:/,
  );
  refused(raw({ a: 1 }), /CBOR array/);
  refused(raw([V, 1]), /at least 3/);
  assertEquals(V, 6);
  refused(raw([7, 1, 2, 0]), /unsupported version 7/);
  // A well-formed datagram of wire version 5 (counters not offset by the connection's secret).
  refused(raw([5, 1, 2, 0, false, 0, false]), /unsupported version 5/);
  // A well-formed datagram of wire version 4 (a "keepalive" without its offers flag) too.
  refused(raw([4, 1, 2, 0, false, 0]), /unsupported version 4/);
  // A well-formed datagram of wire version 3 (no "offer") is refused too.
  refused(raw([3, 1, 2, 0, false, 0]), /unsupported version 3/);
  // A well-formed datagram of wire version 2 (a "have" without its list flag) is refused too.
  refused(raw([2, 1, 1, 0, []]), /unsupported version 2/);
  // A well-formed datagram of wire version 1 (32-byte leaves) is refused at the frame.
  refused(raw([1, 1, 2, 0, false, 0]), /unsupported version 1/);
  refused(raw([V, 2 ** 32, 2, 0]), /tag/);
  refused(raw([V, -1, 2, 0]), /tag/);
  refused(raw([V, 1, 12, 0]), /type/);
  refused(raw([V, 1, 2, 0, false, 0]), /type 2 has 7 elements/);
  refused(raw([V, 1, 2, "0", false, 0, false]), /club/);
  refused(raw([V, 1, 2, 0, false, -1, false]), /keepalive\.cookie/);
  refused(raw([V, 1, 2, 0, false, 0, 1]), /keepalive\.offers/);
});

Deno.test("the decoder refuses out-of-range fields", () => {
  const block = (b: unknown[], club = 0, hop = 0, n = 0, repair: unknown = false) =>
    raw([V, 1, 0, club, hop, n, repair, b]);
  const leaves = (k: number) => new Uint8Array(16 * k);
  refused(block([0, 1, 2, new Uint8Array(4)], 65536), /club/);
  refused(block([0, 1, 2, new Uint8Array(4)], 0, 2 ** 32), /hop/);
  refused(block([0, 1, 2, new Uint8Array(4)], 0, 0, 2 ** 32), /block\.n/);
  refused(block([0, 1, 2, new Uint8Array(4)], 0, 0, 0, 1), /repair/);
  refused(block([0, -1, 2, new Uint8Array(4)]), /seq/);
  refused(block([0, 2 ** 53, 2, new Uint8Array(4)]), /seq/);
  refused(block([0, 1, 2, new Uint8Array(0)]), /payload/);
  refused(block([0, 1, 2, new Uint8Array(1129)]), /payload: expected 1\.\.1128 bytes/);
  refused(block([0, 1, 2, [1, 2]]), /payload/);
  refused(block([2, 1, 2, new Uint8Array(4)]), /block/);
  refused(block([1, 1, 2, 2, 0, 0, leaves(1), new Uint8Array(64)]), /1 leaves for count 2/);
  refused(block([1, 1, 2, 0, 0, 0, leaves(0), new Uint8Array(64)]), /count/);
  refused(block([1, 1, 2, 33, 0, 0, leaves(33), new Uint8Array(64)]), /leaves|count/);
  refused(block([1, 1, 2, 1, 0, 0, new Uint8Array(15), new Uint8Array(64)]), /multiple of 16/);
  refused(block([1, 1, 2, 1, 0, 0, new Uint8Array(17), new Uint8Array(64)]), /multiple of 16/);
  // One leaf of wire version 1's 32 bytes reads as two 16-byte leaves: refused.
  refused(
    block([1, 1, 2, 1, 0, 0, new Uint8Array(32), new Uint8Array(64)]),
    /2 leaves for count 1/,
  );
  refused(block([1, 1, 2, 1, 0, 0, leaves(1), new Uint8Array(63)]), /sig/);
  refused(raw([V, 1, 1, 0, new Array(65).fill(1), false]), /have\.seqs: at most 64/);
  refused(raw([V, 1, 1, 0, [1], 0]), /have\.list/);
  refused(raw([V, 1, 10, new Array(65).fill(1)]), /want\.seqs: at most 64/);
  refused(raw([V, 1, 6, 0, 0, ["a".repeat(65)]]), /peer: at most 64 UTF-8 bytes/);
  refused(raw([V, 1, 6, 0, 0, ["é".repeat(33)]]), /peer: at most 64 UTF-8 bytes/);
  refused(raw([V, 1, 6, 0, 0, new Array(65).fill("a")]), /peers\.peers: at most 64/);
  refused(raw([V, 1, 4, 0, "x", new Array(65).fill(1), 0, 0, 0, 0, false, 0]), /pong\.clubs/);
  refused(raw([V, 1, 4, 0, "x", [], 0, 0, 0, 0, false, 2 ** 53]), /pong\.cookie/);
  refused(raw([V, 1, 8, 0, 2, 0]), /dir/);
  refused(raw([V, 1, 8, 0, 1, -1]), /accept\.cookie/);
  refused(raw([V, 1, 7, 0, 1, [], [0, new Uint8Array(513)], 0]), /bitfield\.bits/);
  refused(raw([V, 1, 7, 0, 1, [], [0, new Uint8Array(0)], 0]), /bitfield\.bits/);
  refused(raw([V, 1, 7, 0, 1, [], [0], 0]), /bitfield/);
  refused(raw([V, 1, 7, 0, 1, [70000], null, 0]), /club/);
  refused(raw([V, 1, 7, 0, 1, [], null, "1"]), /connect\.cookie/);
});

Deno.test("the encoder throws RangeError on invalid fields and oversize datagrams", () => {
  const ka = { t: "keepalive", lead: false, cookie: 0, offers: false } as const;
  assertThrows(() => encodeDatagram(-1, { ...ka, club: 0 }), RangeError);
  assertThrows(() => encodeDatagram(1, { ...ka, club: 65536 }), RangeError);
  assertThrows(() => encodeDatagram(1, { ...ka, club: 0, cookie: 2 ** 53 }), RangeError);
  assertThrows(() => encodeDatagram(1, { t: "ping", nonce: 0, pad: 65 }), RangeError);
  assertThrows(() => encodeDatagram(1, data(new Uint8Array(1129))), RangeError);
  assertThrows(() => encodeDatagram(1, { t: "want", seqs: [0.5] }), RangeError);
  assertThrows(() => encodeDatagram(1, { t: "ping" } as unknown as Msg), RangeError);
  // A leaf of wire version 1's width (a whole sha256 digest) is not sent.
  const auth = (leaf: Uint8Array): Msg => ({
    t: "block",
    club: 0,
    hop: 0,
    n: 0,
    repair: false,
    block: {
      kind: "auth",
      seq: 1,
      srcTime: 0,
      count: 1,
      bitrate: 0,
      threshold: 0,
      leaves: [leaf],
      sig: new Uint8Array(64),
    },
  });
  encodeDatagram(1, auth(new Uint8Array(16)));
  assertThrows(() => encodeDatagram(1, auth(new Uint8Array(32))), RangeError);
  assertThrows(() => encodeDatagram(1, { t: "nope" } as unknown as Msg), RangeError);
  // 64 addresses of 64 bytes pass every field limit but not the datagram budget.
  const peers = new Array(64).fill("a".repeat(64));
  assertThrows(() => encodeDatagram(1, { t: "peers", club: 0, nonce: 0, peers }), RangeError);
  // 17 such addresses is the most that always fits (docs/protocol.md).
  const big = 0xffffffff;
  encodeDatagram(big, { t: "peers", club: 65535, nonce: 2 ** 53 - 1, peers: peers.slice(0, 17) });
  assertThrows(
    () =>
      encodeDatagram(big, {
        t: "peers",
        club: 65535,
        nonce: 2 ** 53 - 1,
        peers: peers.slice(0, 18),
      }),
    RangeError,
  );
});

Deno.test("arbitrary CBOR values inside a valid frame never throw", () => {
  const field = fc.anything({ maxDepth: 2, withTypedArray: true, withBoxedValues: true });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 12 }), fc.array(field, { maxLength: 10 }), (t, fs) => {
      let bytes: Uint8Array;
      try {
        bytes = raw([V, 1, t, ...fs]);
      } catch {
        return; // not encodable as CBOR at all
      }
      const r = decodeDatagram(bytes);
      if (r.ok) assert(encodeDatagram(r.tag, r.msg).length <= 1200);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("cbor-x extension tags are refused and leave the decoder sound", () => {
  const hostile = [
    [0xd8, 27, 0x82, 0x65, ...new TextEncoder().encode("Error"), 0x61, 0x41], // generic object
    [0xd8, 27, 0x82, 0x66, ...new TextEncoder().encode("RegExp"), 0x61, 0x28], // bad RegExp
    [0xd8, 29, 0x05], // shared reference to nothing
    [0xd8, 28, 0x81, 0xd8, 29, 0x00], // self-referencing array
    [0xd9, 0x01, 0x03, 0x01], // tag 259 (Map) around a non-map
    [0xd8, 51, 0x84, 0x80, 0x80, 0x80, 0x01], // packed-values table
    [0xd8, 6, 0x01], // packed reference
    [0xc1, 0x1a, 0, 0, 0, 1], // date
  ];
  const good = encodeDatagram(TAG, data());
  for (const h of hostile) {
    assert(!decodeDatagram(new Uint8Array(h)).ok, `accepted ${h}`);
    // cbor-x unwraps a few tags (28, 259) around plain values; the value is still checked.
    const r = decodeDatagram(new Uint8Array([0x84, V, 1, 3, ...h]));
    assert(!r.ok || (r.msg.t === "ping" && r.msg.nonce === 1), `accepted ping ${h}`);
    assertEquals(decodeDatagram(good), { ok: true, tag: TAG, msg: data() });
  }
});

Deno.test("the examples in docs/protocol.md encode as documented", () => {
  const hex = (s: string) =>
    Uint8Array.from(s.replace(/ /g, "").match(/../g)!, (h) => parseInt(h, 16));
  const T = 0xdeadbeef;
  const examples: [Msg, string][] = [
    [{ t: "ping", nonce: 7, pad: 3 }, "85 06 1a deadbeef 03 07 43 000000"],
    [{ t: "accept", club: 300, dir: "up", cookie: 9 }, "86 06 1a deadbeef 08 19012c 00 09"],
    [
      { t: "keepalive", club: 2, lead: true, cookie: 1000, offers: true },
      "87 06 1a deadbeef 02 02 f5 1903e8 f5",
    ],
    [
      { t: "have", club: 2, seqs: [18, 1000], list: false },
      "86 06 1a deadbeef 01 02 82 12 1903e8 f4",
    ],
    [{ t: "offer", club: 2, seqs: [18, 1000] }, "85 06 1a deadbeef 0b 02 82 12 1903e8"],
    [
      {
        t: "pong",
        nonce: 7,
        you: "10.0.0.1:4000",
        clubs: [2, 5],
        up: 3,
        upIn: 2,
        down: 2,
        downIn: 1,
        full: true,
        cookie: 2 ** 40,
      },
      "8c 06 1a deadbeef 04 07 6d 31302e302e302e313a34303030 82 02 05 03 02 02 01 f5" +
      " 1b 0000010000000000",
    ],
    [
      {
        t: "block",
        club: 2,
        hop: 123456789,
        n: 40,
        repair: false,
        block: { kind: "data", seq: 1002, srcTime: 1700000000000, payload: hex("47010203") },
      },
      "88 06 1a deadbeef 00 02 1a075bcd15 1828 f4 84 00 1903ea 1b0000018bcfe56800 44 47010203",
    ],
    [
      {
        t: "connect",
        club: 2,
        dir: "down",
        clubs: [5],
        have: { base: 10, bits: hex("2740") },
        cookie: 0,
      },
      "88 06 1a deadbeef 07 02 01 81 05 82 0a 42 2740 00",
    ],
  ];
  for (const [msg, bytes] of examples) {
    assertEquals(encodeDatagram(T, msg), hex(bytes));
    assertEquals(decodeDatagram(hex(bytes)), { ok: true, tag: T, msg });
  }
});

Deno.test("the auth block example in docs/protocol.md: its leaf and bytes as documented", async () => {
  const { leafHash } = await import("../auth/merkle.ts");
  const hex = (s: string) =>
    Uint8Array.from(s.replace(/ /g, "").match(/../g)!, (h) => parseInt(h, 16));
  const data = {
    kind: "data" as const,
    seq: 1002,
    srcTime: 1700000000000,
    payload: hex("47010203"),
  };
  const leaf = leafHash(0xdeadbeef, data);
  assertEquals(leaf, hex("eea055ab576b1b6603861921b3fa4dd0"));
  const sig = new Uint8Array(64).map((_, i) => i);
  const msg: Msg = {
    t: "block",
    club: 2,
    hop: 123456789,
    n: 41,
    repair: false,
    block: {
      kind: "auth",
      seq: 1003,
      srcTime: 1700000000000,
      count: 1,
      bitrate: 2000000,
      threshold: 300,
      leaves: [leaf],
      sig,
    },
  };
  const doc = "88 06 1a deadbeef 00 02 1a075bcd15 1829 f4" +
    " 88 01 1903eb 1b0000018bcfe56800 01 1a001e8480 19012c" +
    " 50 eea055ab576b1b6603861921b3fa4dd0 58 40";
  const bytes = new Uint8Array([...hex(doc), ...sig]);
  assertEquals(encodeDatagram(0xdeadbeef, msg), bytes);
  assertEquals(decodeDatagram(bytes), { ok: true, tag: 0xdeadbeef, msg });
});
