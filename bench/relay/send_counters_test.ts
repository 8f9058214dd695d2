import { assert, assertEquals } from "../../lib/testing.ts";
import { decodeDatagram, encodeDatagram } from "../../lib/wire/codec.ts";
import { countOf } from "../../lib/peer/conn_counter.ts";
import type { Msg } from "../../lib/wire/messages.ts";
import { pingPad } from "../../lib/wire/size.ts";
import { SendCounters, UNSTAMPED, withCounter } from "./send_counters.ts";

const TAG = 0x1234abcd;
const payload = new Uint8Array(100).fill(7);
const block = (club: number, seq: number, n: number): Uint8Array =>
  encodeDatagram(TAG, {
    t: "block",
    club,
    hop: 0,
    n,
    repair: false,
    block: { kind: "data", seq, srcTime: 5, payload },
  });
const counterOf = (d: Uint8Array): number => {
  const r = decodeDatagram(d);
  if (!r.ok || r.msg.t !== "block") throw new Error("not a block datagram");
  return r.msg.n;
};

Deno.test("withCounter writes any counter, in place when it takes as many bytes", () => {
  const d = block(1, 9, UNSTAMPED);
  // 5 bytes for 5 bytes: the same array.
  assert(withCounter(d, 0xdeadbeef) === d);
  assertEquals(counterOf(d), 0xdeadbeef);
  // Shorter forms, down to one byte: a new datagram the decoder takes, the rest unchanged.
  for (const n of [0xfffe, 200, 3]) {
    const out = withCounter(d, n)!;
    assertEquals(counterOf(out), n);
    const r = decodeDatagram(out);
    assert(r.ok && r.msg.t === "block" && r.msg.block.seq === 9 && r.msg.block.kind === "data");
    if (r.ok && r.msg.t === "block" && r.msg.block.kind === "data") {
      assertEquals(r.msg.block.payload, payload);
    }
  }
  // Longer: from a 1-byte counter to 5 bytes.
  assertEquals(counterOf(withCounter(block(0, 1, 4), 0x10000)!), 0x10000);
});

Deno.test("withCounter leaves other datagrams alone", () => {
  const ping: Msg = { t: "ping", nonce: 1, pad: pingPad(1) };
  const d = encodeDatagram(TAG, ping);
  assertEquals(withCounter(d, 5), undefined);
  assertEquals(withCounter(new Uint8Array(0), 5), undefined);
  assertEquals(withCounter(new Uint8Array([0x88, 0xff]), 5), undefined);
});

Deno.test("each connection counts from 1 under its secret, again when reopened", () => {
  const c = new SendCounters(2);
  const [a, b] = [block(0, 0, UNSTAMPED), block(1, 1, UNSTAMPED)];
  // Closed: nothing is sent, nothing counted.
  assertEquals(c.stamp(a), undefined);
  assertEquals(c.openCount, 0);
  c.open(0, 2 ** 40 + 77);
  c.open(1, 2 ** 32 - 1);
  assertEquals(c.openCount, 2);
  assertEquals(countOf(2 ** 40 + 77, counterOf(c.stamp(a)!)), 1);
  assertEquals(countOf(2 ** 40 + 77, counterOf(c.stamp(a)!)), 2);
  // Club 1's count is its own (and wraps around 2^32 on the wire).
  assertEquals(counterOf(c.stamp(b)!), 0);
  assertEquals(countOf(2 ** 32 - 1, counterOf(c.stamp(b)!)), 2);
  c.close(1);
  assert(!c.isOpen(1) && c.isOpen(0));
  assertEquals(c.stamp(b), undefined);
  c.open(1, 1000);
  assertEquals(countOf(1000, counterOf(c.stamp(b)!)), 1);
  // A club the sender has no connection for is not sent.
  assertEquals(c.stamp(block(5, 5, UNSTAMPED)), undefined);
});
