import fc from "fast-check";
import { assert, assertEquals, assertThrows } from "../testing.ts";
import { BlockCutter, mpegTsSync } from "./cutter.ts";

const bytes = (n: number, from = 0) => new Uint8Array(n).map((_, i) => (from + i) & 0xff);
const lengths = (ps: Uint8Array[]) => ps.map((p) => p.length);

Deno.test("push returns full blocks as soon as they are complete", () => {
  const c = new BlockCutter({ blockBytes: 376, align: 188, maxWaitMs: 20 });
  assertEquals(c.push(0, bytes(300)), []);
  const out = c.push(1, bytes(900, 300));
  assertEquals(lengths(out), [376, 376, 376]);
  assertEquals(out[1], bytes(376, 376));
  assertEquals(c.buffered, 72);
});

Deno.test("flush sends whole units once the oldest byte has waited maxWaitMs", () => {
  const c = new BlockCutter({ blockBytes: 1128, align: 188, maxWaitMs: 20 });
  c.push(0, bytes(400));
  assertEquals(c.nextDeadline(), 20);
  assertEquals(c.flush(19), []);
  const out = c.flush(20);
  assertEquals(lengths(out), [376]);
  assertEquals(out[0], bytes(376));
  assertEquals(c.nextDeadline(), undefined, "24 bytes are less than a TS packet");
  assertEquals(c.flush(1000), []);
  c.push(30, bytes(200, 400)); // 224 buffered; the oldest arrived at 0
  assertEquals(c.nextDeadline(), 20);
  assertEquals(c.flush(30), [bytes(188, 376)]);
  assertEquals(c.nextDeadline(), undefined);
  c.push(31, bytes(200, 600)); // 236: the oldest of them, byte 564, arrived at 30
  assertEquals(c.nextDeadline(), 50);
  assertEquals(c.end(), [bytes(236, 564)]);
  assertEquals([c.buffered, c.nextDeadline(), c.end().length], [0, undefined, 0]);
});

Deno.test("after a flush the deadline follows the next-oldest arrival", () => {
  const c = new BlockCutter({ blockBytes: 10, align: 1, maxWaitMs: 5 });
  c.push(0, bytes(3));
  c.push(4, bytes(3, 3));
  assertEquals(c.flush(5), [bytes(6)]);
  c.push(7, bytes(2, 6));
  c.push(9, bytes(2, 8));
  assertEquals(c.nextDeadline(), 12);
  assertEquals(c.flush(11), []);
  assertEquals(c.flush(12), [bytes(4, 6)]);
});

Deno.test("the cutter keeps its own copy of pushed bytes", () => {
  const c = new BlockCutter({ blockBytes: 4, align: 1, maxWaitMs: 5 });
  const input = bytes(6);
  const full = c.push(0, input);
  input.fill(0xaa);
  assertEquals(full, [bytes(4)]);
  assertEquals(c.end(), [bytes(2, 4)]);
});

Deno.test("property: payloads concatenate to the input, aligned but for the last", () => {
  const arb = fc.record({
    align: fc.constantFrom(1, 7, 188),
    units: fc.integer({ min: 1, max: 8 }),
    maxWaitMs: fc.integer({ min: 0, max: 30 }),
    chunks: fc.array(
      fc.record({
        len: fc.integer({ min: 0, max: 3000 }),
        gap: fc.integer({ min: 0, max: 25 }),
        flush: fc.boolean(),
      }),
      { maxLength: 40 },
    ),
  });
  fc.assert(fc.property(arb, ({ align, units, maxWaitMs, chunks }) => {
    const blockBytes = align * units;
    const c = new BlockCutter({ blockBytes, align, maxWaitMs });
    const out: Uint8Array[] = [];
    let now = 0;
    let total = 0;
    for (const ch of chunks) {
      now += ch.gap;
      out.push(...c.push(now, bytes(ch.len, total)));
      total += ch.len;
      if (!ch.flush) continue;
      const due = c.nextDeadline();
      const got = c.flush(now);
      out.push(...got);
      if (due !== undefined && due <= now) {
        assertEquals(got.length, 1, "a due flush emits");
        assert(c.buffered < align, "and leaves less than one unit");
      } else assertEquals(got, [], "nothing before the deadline");
    }
    out.push(...c.end());
    const joined = new Uint8Array(total);
    let at = 0;
    for (const [i, p] of out.entries()) {
      assert(p.length > 0 && p.length <= blockBytes);
      if (i < out.length - 1) assertEquals(p.length % align, 0);
      joined.set(p, at);
      at += p.length;
    }
    assertEquals(at, total);
    assertEquals(joined, bytes(total));
  }));
});

Deno.test("bad options are refused", () => {
  assertThrows(() => new BlockCutter({ blockBytes: 1000, align: 188, maxWaitMs: 20 }), RangeError);
  assertThrows(() => new BlockCutter({ blockBytes: 0, align: 1, maxWaitMs: 20 }), RangeError);
  assertThrows(() => new BlockCutter({ blockBytes: 188, align: 0, maxWaitMs: 20 }), RangeError);
  assertThrows(() => new BlockCutter({ blockBytes: 188, align: 188, maxWaitMs: -1 }), RangeError);
});

Deno.test("mpegTsSync sees the 0x47 sync byte every 188 bytes", () => {
  const ts = new Uint8Array(188 * 3 + 10);
  for (let i = 0; i < ts.length; i += 188) ts[i] = 0x47;
  assert(mpegTsSync(ts));
  ts[376] = 0;
  assert(!mpegTsSync(ts));
  assert(!mpegTsSync(new Uint8Array(0)));
});
