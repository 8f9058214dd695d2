/**
 * Issue 3's acceptance list through a real port: `tracker/cli.ts --kv :memory: --interval 1`
 * as a child process, driven with fetch over loopback.
 */
import { assert, assertEquals } from "../lib/testing.ts";
import { answer, type Caller, encodeBody, registration } from "../tracker/test_fixture.ts";
import { spawnTracker } from "./tracker_process.ts";
import {
  forgedOrReplayedRefused,
  joinsDealEveryClubFourTimes,
  leaveRemovesAtOnce,
  malformedGet4xx,
  silentPeerExpires,
} from "./tracker_must_show.ts";

Deno.test("real port: the tracker CLI passes the acceptance list", async (t) => {
  const tracker = await spawnTracker(["--kv", ":memory:", "--interval", "1", "--rate", "0"]);
  // Over loopback every request comes from 127.0.0.1, so the ip argument is ignored.
  const call: Caller = async (method, path, body) =>
    answer(await fetch(tracker.url + path, { method, body: encodeBody(body) }));
  try {
    await t.step("healthz answers", async () => {
      const health = await call("GET", "/healthz");
      assertEquals(health.json, { ok: true });
    });
    await t.step("24 joins deal each of 12 clubs 4 times", () => joinsDealEveryClubFourTimes(call));
    await t.step("a silent peer is gone within 4 s", () => silentPeerExpires(call));
    await t.step("leave removes at once", () => leaveRemovesAtOnce(call));
    await t.step(
      "forged or replayed registrations are refused",
      () => forgedOrReplayedRefused(call),
    );
    await t.step("200 malformed requests get 4xx", () => malformedGet4xx(call));
    await t.step("you.ip is the address the tracker saw; page and metrics serve", async () => {
      const { channel, body } = registration(4, Date.now());
      assertEquals((await call("PUT", `/c/${channel}`, body)).status, 201);
      const join = await call("POST", `/c/${channel}/announce`, {
        peer: "me",
        port: 9,
        event: "join",
      });
      assertEquals(join.json.you, { ip: "127.0.0.1" });
      const page = await fetch(tracker.url + "/");
      assert((await page.text()).includes("clubcast tracker"));
      const m = await (await fetch(tracker.url + "/metrics")).text();
      assert(m.includes('clubcast_tracker_announces_total{event="join"}'));
    });
  } finally {
    assertEquals(await tracker.stop(), 0);
  }
});
