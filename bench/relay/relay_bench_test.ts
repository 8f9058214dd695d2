import { assert, assertEquals } from "../../lib/testing.ts";
import { which } from "../../lib/net/which.ts";
import { relayBench } from "./relay_bench.ts";

interface Ramp {
  capacity: number;
  upstreamDrops: number;
  trials: { offered: number; sent: number; delivered: number }[];
  forwarderStats: { core?: { spoofedBlocks: number; unsolicited: number } };
}

Deno.test({
  name: "the relay bench runs a short ramp through a real peer, every block on its connection",
  ignore: !which("bun"),
  async fn() {
    const r = await relayBench(["deno"], [
      ...["--trial-ms", "800", "--start", "500", "--factor", "2", "--max", "1000"],
      ...["--refine", "0", "--warmup", "0"],
    ]) as { deno: { echo: Ramp; relay: Ramp } };
    const { echo, relay } = r.deno;
    assertEquals(echo.trials.map((t) => t.offered), [500, 1000]);
    assert(echo.capacity > 0);
    assertEquals(relay.trials.map((t) => t.offered), [500, 1000]);
    // Far below any peer's capacity: the peer relays what it is sent, in the window.
    for (const t of relay.trials) {
      assert(t.delivered >= 0.9 * t.sent && t.sent > 0, JSON.stringify(t));
    }
    // The sender stamps each block with its connection's count as it goes out: the peer takes
    // none of them for a spoofer's, and none come outside a connection.
    const core = relay.forwarderStats.core!;
    assertEquals([core.spoofedBlocks, core.unsolicited, relay.upstreamDrops], [0, 0, 0]);
  },
});
