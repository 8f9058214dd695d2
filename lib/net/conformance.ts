/**
 * The one conformance suite every Transport passes: the memory network, the Deno and Bun
 * UDP adapters, and the impairment wrapper with its impairments off. It is runner-agnostic
 * (plain async functions that throw on failure) so Deno.test runs it in conformance_test.ts
 * and Bun runs it in bun_conformance.ts.
 */
import { strict as assert } from "node:assert";
import type { Addr } from "../wire/messages.ts";
import { parseAddr } from "./addr.ts";
import type { BindOptions, Transport } from "./transport.ts";

/** Opens a transport of the kind under test. */
export type TransportFactory = (options: BindOptions) => Promise<Transport>;

/** One check of the suite. */
export interface ConformanceCase {
  readonly name: string;
  run(open: TransportFactory): Promise<void>;
}

const LOOP: BindOptions = { hostname: "127.0.0.1" };

/** Resolves once `cond()` holds; rejects after `ms`. */
export async function waitFor(cond: () => boolean, ms = 2000, what = "condition"): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Lets pending deliveries happen (used before asserting that nothing arrived). */
function settle(ms = 100): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function pattern(len: number, salt: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 31 + salt * 7) & 0xff;
  return b;
}

async function pair(open: TransportFactory): Promise<[Transport, Transport]> {
  return [await open(LOOP), await open(LOOP)];
}

/** The address of a transport that was bound and closed again: nobody listens there. */
async function deadAddress(open: TransportFactory): Promise<Addr> {
  const dead = await open(LOOP);
  const addr = dead.local;
  await dead.close();
  return addr;
}

async function closeAll(...ts: Transport[]): Promise<void> {
  for (const t of ts) await t.close();
}

function collect(t: Transport): { from: Addr; bytes: Uint8Array }[] {
  const got: { from: Addr; bytes: Uint8Array }[] = [];
  t.onReceive((from, bytes) => got.push({ from, bytes }));
  return got;
}

/** The suite. */
export const CONFORMANCE: readonly ConformanceCase[] = [
  {
    name: "binds to a concrete address, a different one per transport",
    async run(open) {
      const [a, b] = await pair(open);
      try {
        const pa = parseAddr(a.local), pb = parseAddr(b.local);
        assert.ok(pa && pa.port > 0, `bad local address ${a.local}`);
        assert.ok(pb && pb.port > 0, `bad local address ${b.local}`);
        assert.notEqual(a.local, b.local);
      } finally {
        await closeAll(a, b);
      }
    },
  },
  {
    name: "delivers a full-size datagram intact, naming the sender",
    async run(open) {
      const [a, b] = await pair(open);
      try {
        const got = collect(b);
        const sent = pattern(1200, 1);
        a.send(b.local, sent);
        await waitFor(() => got.length === 1, 2000, "the datagram");
        assert.deepEqual(got[0].bytes, sent);
        assert.equal(got[0].from, a.local);
      } finally {
        await closeAll(a, b);
      }
    },
  },
  {
    name: "delivers bursts of datagrams of every size",
    async run(open) {
      const [a, b] = await pair(open);
      try {
        const got = collect(b);
        const sent: string[] = [];
        for (let burst = 0; burst < 5; burst++) {
          for (let i = 0; i < 20; i++) {
            const n = burst * 20 + i;
            const bytes = pattern(1 + ((n * 97) % 1200), n);
            sent.push(bytes.join(","));
            a.send(b.local, bytes);
          }
          await waitFor(() => got.length === sent.length, 2000, `burst ${burst}`);
        }
        assert.deepEqual(got.map((g) => g.bytes.join(",")).sort(), sent.sort());
      } finally {
        await closeAll(a, b);
      }
    },
  },
  {
    name: "the sender's address reaches it back",
    async run(open) {
      const [a, b] = await pair(open);
      try {
        b.onReceive((from, bytes) => b.send(from, bytes.map((x) => x ^ 0xff)));
        const got = collect(a);
        a.send(b.local, new Uint8Array([1, 2, 3]));
        await waitFor(() => got.length === 1, 2000, "the echo");
        assert.deepEqual([...got[0].bytes], [254, 253, 252]);
        assert.equal(got[0].from, b.local);
      } finally {
        await closeAll(a, b);
      }
    },
  },
  {
    name: "bad or dead destinations are counted, never thrown, and do not stop receiving",
    async run(open) {
      const [a, b] = await pair(open);
      const deadAddr = await deadAddress(open);
      try {
        const got = collect(a);
        for (const bad of ["nonsense", "127.0.0.1:0", "[::1:80", ""]) a.send(bad, pattern(8, 0));
        assert.equal(a.stats.sendFailed, 4);
        a.send(deadAddr, pattern(8, 1));
        await settle(50);
        b.send(a.local, pattern(8, 2));
        await waitFor(() => got.length === 1, 2000, "a datagram after the bad sends");
      } finally {
        await closeAll(a, b);
      }
    },
  },
  {
    // Under Bun a send to a closed port leaves an ICMP error on the socket that the next
    // send reports, and that datagram was lost: a source whose peers died lost one live
    // datagram per dead one.
    name: "a send to a dead port does not cost the datagrams sent right after it",
    async run(open) {
      const [a, b] = await pair(open);
      const deadAddr = await deadAddress(open);
      try {
        const got = collect(b);
        for (let i = 0; i < 20; i++) {
          a.send(deadAddr, pattern(100, i));
          a.send(b.local, pattern(100, i));
          if (i % 5 === 4) await settle(5);
        }
        await waitFor(() => got.length === 20, 2000, `20 datagrams (got ${got.length})`);
      } finally {
        await closeAll(a, b);
      }
    },
  },
  {
    name: "a new handler replaces the old one",
    async run(open) {
      const [a, b] = await pair(open);
      try {
        const first = collect(b);
        a.send(b.local, pattern(4, 1));
        await waitFor(() => first.length === 1, 2000, "the first datagram");
        const second = collect(b);
        a.send(b.local, pattern(4, 2));
        await waitFor(() => second.length === 1, 2000, "the second datagram");
        await settle(20);
        assert.equal(first.length, 1);
      } finally {
        await closeAll(a, b);
      }
    },
  },
  {
    name: "counts datagrams and bytes both ways",
    async run(open) {
      const [a, b] = await pair(open);
      try {
        const got = collect(b);
        for (const n of [10, 20, 30]) a.send(b.local, pattern(n, n));
        await waitFor(() => got.length === 3, 2000, "three datagrams");
        await settle(20);
        assert.equal(a.stats.datagramsOut, 3);
        assert.equal(a.stats.bytesOut, 60);
        assert.equal(b.stats.datagramsIn, 3);
        assert.equal(b.stats.bytesIn, 60);
      } finally {
        await closeAll(a, b);
      }
    },
  },
  {
    name: "the receiver owns its bytes",
    async run(open) {
      const [a, b] = await pair(open);
      try {
        const seen: Uint8Array[] = [], kept: Uint8Array[] = [];
        b.onReceive((_from, bytes) => {
          seen.push(Uint8Array.from(bytes));
          kept.push(bytes);
          bytes.fill(0); // scribbling on one datagram must not touch the next
        });
        const one = pattern(500, 3), two = pattern(500, 4);
        a.send(b.local, one);
        await waitFor(() => seen.length === 1, 2000, "the first datagram");
        kept[0].fill(7); // and a datagram kept must not be overwritten by the next
        a.send(b.local, two);
        await waitFor(() => seen.length === 2, 2000, "the second datagram");
        assert.deepEqual(seen, [one, two]);
        assert.ok(kept[0].every((x) => x === 7), "the first datagram's bytes were reused");
      } finally {
        await closeAll(a, b);
      }
    },
  },
  {
    name: "close stops receiving; send then throws; closing twice is fine",
    async run(open) {
      const [a, b] = await pair(open);
      const got = collect(b);
      await b.close();
      a.send(b.local, pattern(8, 1));
      await settle(50);
      assert.equal(got.length, 0);
      assert.throws(() => b.send(a.local, pattern(8, 2)), TypeError);
      await b.close();
      await a.close();
    },
  },
];

/** Runs every case against `open`; resolves with the failures (empty when all passed). */
export async function runConformance(
  open: TransportFactory,
  report: (name: string, error?: unknown) => void = () => {},
): Promise<string[]> {
  const failed: string[] = [];
  for (const c of CONFORMANCE) {
    try {
      await c.run(open);
      report(c.name);
    } catch (e) {
      failed.push(c.name);
      report(c.name, e);
    }
  }
  return failed;
}
