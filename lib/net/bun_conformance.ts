/**
 * The transport conformance suite under Bun: `bun run lib/net/bun_conformance.ts` runs
 * every case against the Bun UDP adapter (and the impairment wrapper around it) and the
 * node:dgram adapter, prints
 * "ok <case>" or "FAIL <case>: <error>" per case, and exits 1 on any failure.
 * conformance_test.ts runs it when bun is installed.
 */
import { Rng } from "../rand.ts";
import { openBunUdp } from "./bun_udp.ts";
import { runConformance } from "./conformance.ts";
import { impair } from "./impair.ts";
import { openNodeUdp } from "./node_udp.ts";

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
const proc = (globalThis as unknown as { process: { exit(code: number): never } }).process;
proc.exit(failed.length + failedImpaired.length + failedNode.length > 0 ? 1 : 0);
