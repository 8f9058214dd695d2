/**
 * The flood benchmark's sender, under Bun (its UDP sockets keep well ahead of the peer it
 * floods): replays the junk pool (junk.ts) to one address at a steady rate, spread over
 * `--sources` sockets on distinct loopback addresses (127.0.0.2, 127.0.0.3, ...), so the peer
 * sees that many strangers. It counts, per source, the bytes it sent and the bytes the peer
 * sent back: the amplification ratio on real sockets.
 *
 * Prints `ready` once bound, floods until stdin closes, then prints `done <json>`.
 *
 *     bun run bench/flood/flooder.ts --to 127.0.0.1:4000 --tag 1668052322 --rate 20000
 */
import process from "node:process";
import { parseAddr } from "../../lib/net/addr.ts";
import { benchArgs, benchNumbers, intRange, refuse } from "../lib/cli.ts";
import { junkPool } from "./junk.ts";

const USAGE = `bun run bench/flood/flooder.ts --to HOST:PORT --tag T [options]

The flood benchmark's sender, started by flood_bench.ts and receive_cost.ts (bench/README.md).
Prints "ready" once bound, floods until stdin closes, then prints "done <json>".

  --to HOST:PORT  the peer flooded
  --tag T         the channel's tag (a 32-bit number) the junk is made for
  --clubs N       the channel's clubs (default 4)
  --rate N        datagrams a second (default 20000)
  --sources N     source addresses 127.0.0.2 and up, 1 to 250 (default 200)
  --pool N        junk datagrams made, then replayed (default 50000)
  --seed K        the junk's seed (default 1)
  -h, --help      this help`;

interface BunSock {
  send(data: Uint8Array, port: number, address: string): boolean;
  close(): void;
}
interface BunUdp {
  udpSocket(o: {
    hostname: string;
    port?: number;
    binaryType?: "uint8array";
    socket: { data(s: BunSock, data: Uint8Array): void; error?(s: BunSock, e: Error): void };
  }): Promise<BunSock>;
}
const v = benchArgs("flooder", USAGE, process.argv.slice(2), {
  to: { type: "string", default: "" },
  tag: { type: "string", default: "" },
  clubs: { type: "string", default: "4" },
  rate: { type: "string", default: "20000" },
  sources: { type: "string", default: "200" },
  pool: { type: "string", default: "50000" },
  seed: { type: "string", default: "1" },
});
const to = parseAddr(v.to);
if (!to) refuse("flooder", `--to must be HOST:PORT, got "${v.to}"`);
const { tag, clubs, rate, sources, pool: poolSize, seed } = benchNumbers("flooder", v, {
  tag: intRange(0, 2 ** 32 - 1),
  clubs: intRange(2, 256),
  rate: intRange(1),
  sources: intRange(1, 250),
  pool: intRange(1),
  seed: intRange(0),
});
const bun = (globalThis as { Bun?: BunUdp }).Bun;
if (!bun) refuse("flooder", "run the flooder under Bun: bun run bench/flood/flooder.ts");
const pool = junkPool(tag, clubs, poolSize, seed);

const sent = new Float64Array(sources), back = new Float64Array(sources);
const socks: BunSock[] = [];
for (let i = 0; i < sources; i++) {
  socks.push(
    await bun.udpSocket({
      hostname: `127.0.0.${2 + i}`,
      binaryType: "uint8array",
      socket: {
        data: (_s, data) => void (back[i] += data.length),
        error: () => {}, // an ICMP report from a peer that quit
      },
    }),
  );
}
console.log("ready");

let running = true, n = 0, failed = 0;
const t0 = performance.now();
const stop = () => (running = false);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
while (running) {
  // Everything due by now goes out, then a timer tick (about 1 ms).
  const due = Math.floor((performance.now() - t0) / 1000 * rate);
  for (; n < due; n++) {
    const d = pool.datagrams[n % pool.datagrams.length], k = n % sources;
    try {
      if (socks[k].send(d, to.port, to.hostname)) sent[k] += d.length;
      else failed++;
    } catch {
      failed++; // ICMP "port unreachable" from an earlier datagram: the peer is gone
    }
  }
  await new Promise((r) => setTimeout(r, 1));
}
const seconds = (performance.now() - t0) / 1000;
await new Promise((r) => setTimeout(r, 300)); // late replies
let worst = 0, totalOut = 0, totalBack = 0;
for (let i = 0; i < sources; i++) {
  totalOut += sent[i];
  totalBack += back[i];
  if (sent[i] > 0) worst = Math.max(worst, back[i] / sent[i]);
}
for (const s of socks) s.close();
console.log(`done ${
  JSON.stringify({
    datagrams: n,
    failed,
    seconds: Math.round(seconds * 10) / 10,
    ratePerSecond: Math.round(n / seconds),
    sources,
    poolKinds: pool.kinds,
    bytesSent: totalOut,
    bytesBack: totalBack,
    worstSourceReplyRatio: Math.round(worst * 1000) / 1000,
  })
}`);
process.exit(0);
