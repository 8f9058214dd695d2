/**
 * The transport conformance suite under Bun: `bun run lib/net/bun_conformance.ts` runs
 * every case against the Bun UDP adapter (and the impairment wrapper around it), the
 * node:dgram adapter and, on Linux, the FFI socket (linux_udp.ts through bun:ffi), prints
 * "ok <case>" or "FAIL <case>: <error>" per case, and exits 1 on any failure.
 * conformance_test.ts runs it when bun is installed.
 */
import { Rng } from "../rand.ts";
import { openBunUdp } from "./bun_udp.ts";
import { runConformance } from "./conformance.ts";
import { impair } from "./impair.ts";
import { linuxUdpAvailable, openLinuxUdp } from "./linux_udp.ts";
import { openNodeUdp } from "./node_udp.ts";
import { openUdp, UDP_ENV } from "./udp.ts";

const failed = await runConformance(openBunUdp, (name, err) => {
  console.log(err === undefined ? `ok ${name}` : `FAIL ${name}: ${err}`);
});
const failedImpaired = await runConformance(
  async (o) => impair(await openBunUdp(o), {}, new Rng(1)),
  (name, err) => {
    if (err !== undefined) console.log(`FAIL impaired ${name}: ${err}`);
  },
);
const failedNode = await runConformance(openNodeUdp, (name, err) => {
  console.log(err === undefined ? `ok ${name} (node:dgram)` : `FAIL node:dgram ${name}: ${err}`);
});
const failedFfi = linuxUdpAvailable()
  ? await runConformance(openLinuxUdp, (name, err) => {
    console.log(err === undefined ? `ok ${name} (ffi)` : `FAIL ffi ${name}: ${err}`);
  })
  : [];
// What the programs open under Bun: the FFI socket on Linux, node:dgram with CLUBCAST_UDP=node.
const picked = async () => {
  const t = await openUdp({ hostname: "127.0.0.1" });
  await t.close();
  return t.batchMs === undefined ? "own" : "ffi";
};
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } })
  .process.env;
const choices = [await picked()];
env[UDP_ENV] = "node";
choices.push(await picked());
delete env[UDP_ENV];
const wanted = [linuxUdpAvailable() ? "ffi" : "own", "own"];
const pickOk = choices.join() === wanted.join();
console.log(
  pickOk ? "ok openUdp picks" : "FAIL openUdp picks",
  `${choices.join(", ")} (default, CLUBCAST_UDP=node)`,
);
const proc = (globalThis as unknown as { process: { exit(code: number): never } }).process;
proc.exit(
  failed.length + failedImpaired.length + failedNode.length + failedFfi.length > 0 || !pickOk
    ? 1
    : 0,
);
