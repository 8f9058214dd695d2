/**
 * What the Linux FFI socket does beyond the shared conformance suite (conformance_test.ts
 * runs that against it): batched draining on the grid, long datagrams, IPv6, bind errors.
 * Skipped, with a message, where it is not available (not Linux, or FFI not granted).
 */
import { assert, assertEquals } from "../testing.ts";
import { waitFor } from "./conformance.ts";
import { linuxUdpAvailable, openLinuxUdp } from "./linux_udp.ts";
import { parseAddr } from "./addr.ts";

const available = linuxUdpAvailable();
if (!available) {
  console.error("the Linux FFI UDP socket is unavailable here: its tests are skipped");
}
const LOOP = { hostname: "127.0.0.1" };

/** Drains `batchMs` needs for 10 groups of 10 datagrams sent 3 ms apart after a first one. */
async function drainsFor(batchMs: number): Promise<{ drains: number; got: number[] }> {
  const a = await openLinuxUdp(LOOP);
  const b = await openLinuxUdp({ ...LOOP, batchMs });
  const drains = () => (b as unknown as { drains: number }).drains;
  try {
    const got: number[] = [];
    b.onReceive((_from, bytes) => got.push(bytes[0]));
    a.send(b.local, new Uint8Array([0]));
    // The first datagram after a quiet spell is read at once (the poll wakes up).
    await waitFor(() => got.length === 1, 2000, "the first datagram");
    const before = drains();
    for (let g = 0; g < 10; g++) {
      for (let i = 1; i <= 10; i++) a.send(b.local, new Uint8Array([g * 10 + i]));
      await new Promise((r) => setTimeout(r, 3));
    }
    await waitFor(() => got.length === 101, 2000, "100 more");
    return { drains: drains() - before, got };
  } finally {
    await a.close();
    await b.close();
  }
}

Deno.test({
  name: "linux udp: datagrams that arrive while traffic flows are read in a drain per grid point",
  ignore: !available,
  async fn() {
    // 30 ms of sending: one or two 50 ms grid points, and an empty drain to go idle.
    const batched = await drainsFor(50);
    assertEquals(batched.got, [...Array(101).keys()]);
    assert(batched.drains <= 4, `${batched.drains} drains`);
    // Draining every turn instead reads most groups on their own.
    const eager = await drainsFor(0);
    assertEquals(eager.got, [...Array(101).keys()]);
    assert(eager.drains >= 5, `${eager.drains} drains`);
  },
});

/** Gaps between the times datagrams were handed over, one time per drain (ms). */
function drainGaps(times: number[]): number[] {
  const drains = times.filter((t, i) => i === 0 || t - times[i - 1] > 3);
  return drains.slice(1).map((t, i) => t - drains[i]).sort((x, y) => x - y);
}

Deno.test({
  name: "linux udp: a drain at every grid point, of the steady grid once steady",
  ignore: !available,
  async fn() {
    const a = await openLinuxUdp(LOOP);
    // Spacings no other test uses: the process's grids are shared by spacing.
    const b = await openLinuxUdp({ ...LOOP, batchMs: 13, steadyBatchMs: 52 });
    const times: number[] = [];
    b.onReceive(() => times.push(performance.now()));
    const flow = async (ms: number) => {
      for (const end = performance.now() + ms; performance.now() < end;) {
        a.send(b.local, new Uint8Array([1]));
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    try {
      await flow(400);
      const quick = drainGaps(times.splice(0));
      b.setSteady!(true);
      await flow(700);
      const steady = drainGaps(times.splice(0));
      // Every point of the 13 ms grid (a drain asked for 13 ms after the last one's work came
      // at every other point: 26 ms); then every point of the 52 ms grid.
      const mid = (g: number[]) => g[g.length >> 1];
      assert(mid(quick) < 20, `gaps ${quick}`);
      assert(mid(steady) >= 45 && mid(steady) < 70, `gaps ${steady}`);
    } finally {
      b.setSteady!(false);
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "linux udp: datagrams dropped for a full receive buffer are counted as its own overflow",
  ignore: !available,
  async fn() {
    const a = await openLinuxUdp(LOOP);
    // A grid no other test uses (grids are shared by spacing): drained only every 331 ms.
    const b = await openLinuxUdp({ ...LOOP, batchMs: 331 });
    try {
      let got = 0;
      b.onReceive(() => got++);
      a.send(b.local, new Uint8Array(1000));
      await waitFor(() => got === 1, 2000, "the first datagram");
      // Until the next grid point nothing is read: far more than the buffer holds (at most
      // 8 MB, some 2.3 KB a datagram as the kernel counts them) arrives meanwhile.
      const burst = 6000;
      for (let i = 0; i < burst; i++) a.send(b.local, new Uint8Array(1000));
      const sent = 1 + burst - a.stats.sendFailed;
      await waitFor(() => got + b.stats.receiveOverflow === sent, 3000, "every datagram told");
      assert(b.stats.receiveOverflow > 0, "nothing dropped");
      assertEquals(b.stats.datagramsIn, got);
      assertEquals(a.stats.receiveOverflow, 0);
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "linux udp: datagrams longer than a ring slot go out whole; oversized ones are counted",
  ignore: !available,
  async fn() {
    const a = await openLinuxUdp(LOOP);
    const b = await openLinuxUdp({ ...LOOP, batchMs: 0 });
    try {
      const got: Uint8Array[] = [];
      b.onReceive((_from, bytes) => got.push(bytes));
      a.send(b.local, new Uint8Array([1, 2, 3]));
      a.send(b.local, new Uint8Array(5000).fill(7)); // after the queued one, in order
      a.send(b.local, new Uint8Array(70_000)); // no UDP datagram is that long
      assertEquals(a.stats.sendFailed, 1);
      await waitFor(() => got.length === 2, 2000, "two datagrams");
      assertEquals([...got[0]], [1, 2, 3]);
      // Read into a 2048-byte slot: cut short, as deno_udp.ts does (ours are at most 1200).
      assertEquals(got[1].length, 2048);
      assertEquals(a.stats.bytesOut, 5003);
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test({
  name: "linux udp: IPv6 loopback, and IPv4 peers of a dual-stack socket named as IPv4",
  ignore: !available,
  async fn() {
    let v6;
    try {
      v6 = await openLinuxUdp({ hostname: "::1" });
    } catch {
      console.error("no IPv6 loopback here: skipped");
      return;
    }
    const v4 = await openLinuxUdp(LOOP);
    const any = await openLinuxUdp({ hostname: "::" });
    try {
      assert(v6.local.startsWith("[::1]:"), v6.local);
      const got: string[] = [];
      v6.onReceive((from) => got.push(from));
      any.onReceive((from, bytes) => got.push(`${from} ${bytes[0]}`));
      const v6b = await openLinuxUdp({ hostname: "::1" });
      v6b.send(v6.local, new Uint8Array([1]));
      v4.send(`127.0.0.1:${parseAddr(any.local)!.port}`, new Uint8Array([2]));
      await waitFor(() => got.length === 2, 2000, "both datagrams");
      assertEquals(got.sort(), [`${v4.local} 2`, v6b.local].sort());
      await v6b.close();
    } finally {
      await v6.close();
      await v4.close();
      await any.close();
    }
  },
});

Deno.test({
  name: "linux udp: bind errors reject with the OS's code; host names are not taken",
  ignore: !available,
  async fn() {
    const a = await openLinuxUdp(LOOP);
    try {
      const port = parseAddr(a.local)!.port;
      let code: string | undefined;
      await openLinuxUdp({ ...LOOP, port }).catch((e) => (code = e.code));
      assertEquals(code, "EADDRINUSE");
      let named: unknown;
      await openLinuxUdp({ hostname: "localhost" }).catch((e) => (named = e));
      assert(named instanceof TypeError);
      // A send to a host name is counted, not thrown (only numeric addresses are taken).
      a.send(`localhost:${port}`, new Uint8Array(1));
      assertEquals(a.stats.sendFailed, 1);
    } finally {
      await a.close();
    }
  },
});
