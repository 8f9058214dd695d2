/**
 * Issue 6, "Outages": the tracker down mid-stream, with real processes on loopback (a
 * tracker on an in-memory KV, so it comes back having forgotten the channel and every peer;
 * a source fed a 2 Mbit/s ffmpeg stream; 4 peers in 4 clubs; a fifth peer started while the
 * tracker is down). The tracker is SIGKILLed for 8 s here, for 60 s with
 * CLUBCAST_OUTAGE_FULL=1 (docs/security.md has the figures of both).
 *
 * Always checked: the peers that had joined keep writing the stream while the tracker is
 * down (at least 1 Mbit/s of it, never 5 s without a packet), every byte a packet of the
 * input in input order, and exit 0; the new peer joins once the tracker is back, within
 * 10 s, and writes the stream; the tracker lists every peer again.
 * Measured and printed, asserted with CLUBCAST_E2E_STRICT=1 (they depend on how busy the
 * machine is): no block skipped while the tracker was down, no ffprobe error.
 *
 * Needs ffmpeg and ffprobe (ignored without them).
 */
import { assert, assertEquals } from "../lib/testing.ts";
import { which } from "../lib/net/which.ts";
import { makeTestStream } from "./e2e_process.ts";
import { describeOutagePeer, runTrackerOutage } from "./e2e_outage_tracker.ts";

const ffmpeg = which("ffmpeg") && which("ffprobe");
const STRICT = Deno.env.get("CLUBCAST_E2E_STRICT") === "1";
const FULL = Deno.env.get("CLUBCAST_OUTAGE_FULL") === "1";

Deno.test({
  name: `e2e outage: the tracker down ${FULL ? 60 : 8} s, the swarm streams on, a new peer ` +
    `joins when it returns`,
  ignore: !ffmpeg,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const downMs = FULL ? 60_000 : 8000;
    const dir = await Deno.makeTempDir({ prefix: "clubcast-outage-" });
    await makeTestStream(`${dir}/in.ts`, Math.ceil((4000 + downMs + 4500) / 1000) + 3);
    const r = await runTrackerOutage({
      dir,
      stream: await Deno.readFile(`${dir}/in.ts`),
      peers: 4,
      clubs: 4,
      kv: "memory",
      joinAtMs: 1000,
      downAtMs: 4000,
      downMs,
      lateJoinAtMs: downMs / 2,
      afterMs: 4500,
    });
    await Deno.remove(dir, { recursive: true });
    console.log(
      `--- tracker down ${r.downMs} ms; peers listed before ${r.listedBefore}, after ` +
        `${r.listedAfter}`,
    );
    for (const p of [...r.peers, r.late]) console.log(describeOutagePeer(p));

    for (const p of r.peers) {
      const log = p.stderrTail.join("\n");
      assertEquals(p.exitCode, 0, `${p.name}: ${log}`);
      assertEquals(p.stray, -1, `${p.name}: a packet not from the input, or out of order`);
      assert(p.kbpsDuring > 1000, `${p.name}: ${p.kbpsDuring} kbit/s while the tracker was down`);
      assert(p.silenceDuringMs < 5000, `${p.name}: silent ${p.silenceDuringMs} ms while down`);
    }
    const late = r.late, lateLog = late.stderrTail.join("\n");
    assertEquals(late.exitCode, 0, lateLog);
    assert(late.joinedAfterReturnMs !== undefined, `the new peer never joined: ${lateLog}`);
    assert(late.joinedAfterReturnMs >= 0, "it joined while the tracker was down?");
    assert(late.joinedAfterReturnMs < 10_000, `joined ${late.joinedAfterReturnMs} ms after`);
    assert(late.firstByteAfterReturnMs !== undefined, `the new peer wrote nothing: ${lateLog}`);
    assertEquals(late.stray, -1, "the new peer: a packet not from the input, or out of order");
    assertEquals(r.listedAfter, r.peers.length + 1, "the tracker does not list every peer again");
    if (!STRICT) return;
    for (const p of r.peers) assertEquals(p.skippedDuring, 0, `${p.name} skipped blocks`);
    for (const p of [...r.peers, late]) assertEquals(p.probeErrors, [], `${p.name}: ffprobe`);
  },
});
