/**
 * Runs the one conformance suite (conformance.ts) against every adapter: the in-memory
 * network, Deno UDP, the Linux FFI UDP socket, node:dgram UDP, the impairment wrapper with nothing impaired, and Bun UDP
 * and node:dgram under Bun in a `bun` subprocess (ignored, with a message, when bun is not installed).
 */
import { Rng } from "../rand.ts";
import { assertEquals } from "../testing.ts";
import { CONFORMANCE, type TransportFactory } from "./conformance.ts";
import { openDenoUdp } from "./deno_udp.ts";
import { ffiSocketPlatform } from "./libc.ts";
import { linuxUdpAvailable, openLinuxUdp } from "./linux_udp.ts";
import { openNodeUdp } from "./node_udp.ts";
import { impair } from "./impair.ts";
import { MemoryNetwork } from "./memory.ts";
import { which } from "./which.ts";

// One memory network for the whole run: both ends of a case must share it.
const memory = new MemoryNetwork();

const factories: [string, TransportFactory][] = [
  ["memory", (o) => memory.open(o)],
  ["deno udp", openDenoUdp],
  ["impaired (off) deno udp", async (o) => impair(await openDenoUdp(o), {}, new Rng(1))],
  ["node:dgram udp (under deno)", openNodeUdp],
];
// Deno on Linux with FFI (as the tests run here): the FFI socket, batching as the programs
// do and draining on every turn.
if (linuxUdpAvailable()) {
  factories.push(["linux ffi udp", openLinuxUdp]);
  factories.push(["linux ffi udp, batchMs 0", (o) => openLinuxUdp({ ...o, batchMs: 0 })]);
  factories.push([
    "impaired (off) linux ffi udp",
    async (o) => impair(await openLinuxUdp(o), {}, new Rng(1)),
  ]);
} else if (Deno.build.os === "linux") {
  console.error("FFI is not granted: the Linux FFI UDP conformance run is skipped");
}

for (const [kind, open] of factories) {
  for (const c of CONFORMANCE) {
    Deno.test(`transport conformance [${kind}]: ${c.name}`, () => c.run(open));
  }
}

const bun = which("bun");
if (!bun) console.error("bun not found on PATH: the Bun UDP conformance run is skipped");

Deno.test({
  name: "transport conformance [bun udp, node:dgram, ffi]: every case, in a bun subprocess",
  ignore: !bun,
  async fn() {
    const script = new URL("./bun_conformance.ts", import.meta.url).pathname;
    const out = await new Deno.Command(bun!, { args: ["run", script], stderr: "piped" }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, text);
    const passed = text.split("\n").filter((l) => l.startsWith("ok ")).length;
    // bun_udp and node:dgram, then the FFI socket and what openUdp picks, on Linux
    const ffi = ffiSocketPlatform(Deno.build.os, Deno.build.arch);
    assertEquals(passed, (ffi ? 3 : 2) * CONFORMANCE.length + 1, text);
  },
});
