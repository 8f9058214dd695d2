import { Rng } from "../rand.ts";
import { assert, assertEquals, assertThrows } from "../testing.ts";
import { waitFor } from "./conformance.ts";
import { impair, parseImpairment } from "./impair.ts";
import { MemoryNetwork } from "./memory.ts";

async function pair() {
  const net = new MemoryNetwork();
  const a = await net.open(), b = await net.open();
  const got: number[] = [];
  b.onReceive((_f, bytes) => got.push(bytes.length));
  return { a, b, got };
}

Deno.test("impair: loss drops about the asked share, counted as send failures", async () => {
  const { a, b, got } = await pair();
  const t = impair(a, { loss: 0.2 }, new Rng(7));
  for (let i = 0; i < 2000; i++) t.send(b.local, new Uint8Array(10));
  await waitFor(() => got.length === 2000 - t.impaired.lost);
  assert(t.impaired.lost > 300 && t.impaired.lost < 500, `lost ${t.impaired.lost}`);
  assertEquals(t.stats.sendFailed, t.impaired.lost);
  assertEquals(t.stats.datagramsOut, 2000 - t.impaired.lost);
  await t.close();
  await b.close();
});

Deno.test("impair: loss 1 loses everything", async () => {
  const { a, b, got } = await pair();
  const all = impair(a, { loss: 1 }, new Rng(1));
  for (let i = 0; i < 50; i++) all.send(b.local, new Uint8Array(1));
  await new Promise((r) => setTimeout(r, 20));
  assertEquals(got.length, 0);
  assertEquals(all.impaired.lost, 50);
  await all.close();
  await b.close();
});

Deno.test("impair: delay holds every datagram back at least that long", async () => {
  const net = new MemoryNetwork();
  const a = await net.open(), b = await net.open();
  const sentAt = new Map<number, number>();
  const waited: number[] = [];
  b.onReceive((_f, bytes) => waited.push(performance.now() - sentAt.get(bytes[0])!));
  const t = impair(a, { delayMs: 40, jitterMs: 10 }, new Rng(3));
  for (let i = 0; i < 5; i++) {
    sentAt.set(i, performance.now());
    t.send(b.local, new Uint8Array([i]));
  }
  assertEquals(waited.length, 0);
  await waitFor(() => waited.length === 5);
  for (const w of waited) assert(w >= 39, `arrived after ${w} ms`);
  assertEquals(t.impaired.delayed, 5);
  await t.close();
  await b.close();
});

Deno.test("impair: a rate cap queues, then drops what would wait too long", async () => {
  const { a, b, got } = await pair();
  // 1000-byte datagrams at 80 kbit/s take ~103 ms each: a 250 ms queue holds three.
  const t = impair(a, { rateBps: 80_000, queueMs: 250 }, new Rng(1));
  for (let i = 0; i < 20; i++) t.send(b.local, new Uint8Array(1000));
  assertEquals(t.impaired.overflowed, 17);
  await waitFor(() => got.length === 3);
  await t.close();
  await b.close();
});

Deno.test("impair: closing cancels datagrams still held back", async () => {
  const { a, b, got } = await pair();
  const t = impair(a, { delayMs: 30 }, new Rng(1));
  t.send(b.local, new Uint8Array(1));
  await t.close();
  await new Promise((r) => setTimeout(r, 60));
  assertEquals(got.length, 0);
  await b.close();
});

Deno.test("parseImpairment reads the flag text and refuses nonsense", () => {
  assertEquals(parseImpairment("loss=0.02,delay=20,jitter=5,rate=4000000,queue=100"), {
    loss: 0.02,
    delayMs: 20,
    jitterMs: 5,
    rateBps: 4_000_000,
    queueMs: 100,
  });
  assertEquals(parseImpairment(""), {});
  for (const bad of ["loss", "loss=", "loss=2", "lag=3", "delay=-1", "rate=x"]) {
    assertThrows(() => parseImpairment(bad), RangeError);
  }
  // The message lists every key the parser takes (queue= too).
  let message = "";
  try {
    parseImpairment("lag=3");
  } catch (e) {
    message = (e as Error).message;
  }
  for (const key of ["loss=", "delay=", "jitter=", "rate=", "queue="]) {
    assert(message.includes(key), message);
  }
});
