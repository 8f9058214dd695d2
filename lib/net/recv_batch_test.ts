/**
 * Batch reads (recv_batch.ts) through the Deno adapter: every datagram arrives once, in
 * order, intact, from the address Deno itself would have named, and what the handler keeps
 * stays intact after later batches reuse the buffer.
 */
import { assert, assertEquals } from "../testing.ts";
import { formatAddr } from "./addr.ts";
import { openDenoUdp } from "./deno_udp.ts";
import { openBatchReceiver } from "./recv_batch.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test({
  name: "batch reads: every waiting datagram once, in order, intact, from its sender",
  async fn() {
    for (const batch of [true, false]) {
      const rx = await openDenoUdp({ hostname: "127.0.0.1", port: 0, batch });
      const tx = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
      const from = formatAddr("127.0.0.1", (tx.addr as Deno.NetAddr).port);
      const got: { from: string; bytes: Uint8Array }[] = [];
      rx.onReceive((f, bytes) => void got.push({ from: f, bytes }));
      const [, port] = rx.local.split(":");
      const N = 2000;
      const sent = Array.from({ length: N }, (_, i) => {
        const b = new Uint8Array(20 + (i % 1100));
        b.fill(i & 255);
        new DataView(b.buffer).setUint32(0, i);
        return b;
      });
      // Sent one after another (concurrent sends may leave in any order), in bursts, with the
      // event loop kept busy after each, so that datagrams wait in the receiver's socket.
      for (let i = 0; i < N; i++) {
        await tx.send(sent[i], { transport: "udp", hostname: "127.0.0.1", port: Number(port) });
        if (i % 200 !== 199) continue;
        const until = performance.now() + 5;
        while (performance.now() < until) { /* busy */ }
      }
      for (let t = 0; t < 100 && got.length < N; t++) await sleep(20);
      const batched = (rx as unknown as { batched: number }).batched;
      assertEquals(got.length, N, `batch ${batch}: every datagram arrives (${batched} batched)`);
      for (let i = 0; i < N; i++) {
        assertEquals(got[i].from, from);
        assertEquals(got[i].bytes, sent[i], `datagram ${i} intact and in order`);
      }
      console.log(`  batch ${batch}: ${batched} of ${N} read in batches`);
      if (!batch) assertEquals(batched, 0);
      else if (openBatchReceiver(Number(port), false)) assert(batched > 0, "some read in batches");
      tx.close();
      await rx.close();
    }
  },
});

Deno.test("batch reads: not for IPv6 sockets, whose address text is Deno's to write", () => {
  assertEquals(openBatchReceiver(1, true), undefined);
});
