import * as ed from "@noble/ed25519";
import { channelIdOf } from "../channel/channel_id.ts";
import { assert, assertEquals } from "../testing.ts";
import { startTestTracker } from "../../tracker/test_fixture.ts";
import { checkAnnounceReply, TrackerClient } from "./tracker_client.ts";

const secret = new Uint8Array(32).fill(9);
const channel = channelIdOf(ed.getPublicKey(secret));

async function client(ip = "127.0.0.1") {
  const t = await startTestTracker({ interval: 2 });
  const fetchFn = (url: string, init?: RequestInit) =>
    Promise.resolve(t.app.request(new URL(url).pathname, init, { remoteAddr: ip }));
  return { t, c: new TrackerClient("http://tracker.test/", channel, fetchFn) };
}

Deno.test("tracker client: register, source announce, a join dealt two clubs", async () => {
  const { t, c } = await client();
  assertEquals(c.announceUrl, `http://tracker.test/c/${channel}`);
  const reg = await c.register(secret, 12, Date.now());
  assert(reg.ok);
  assertEquals(reg.value, { created: true, clubs: 12, interval: 2 });
  const src = await c.announce({ peer: "source", port: 4000, event: "join", clubs: [] });
  assert(src.ok);
  assertEquals(src.value.peers, []);
  const j = await c.announce({ peer: "viewer-1", port: 4001, event: "join" });
  assert(j.ok);
  assertEquals(j.value.clubs, 12);
  assertEquals(j.value.interval, 2);
  assertEquals(j.value.youIp, "127.0.0.1");
  assert(j.value.recommend && j.value.recommend[0] !== j.value.recommend[1]);
  assertEquals(j.value.peers, [{ addr: "127.0.0.1:4000", clubs: [] }]);
  t.close();
});

Deno.test("tracker client: refusals come back as error values with the tracker's reason", async () => {
  const { t, c } = await client();
  const r = await c.announce({ peer: "viewer-1", port: 4001, event: "join" });
  assert(!r.ok);
  assertEquals(r.status, 404);
  assert(r.error.includes("unknown channel"), r.error);
  const stale = await c.register(secret, 12, Date.now() - 3_600_000);
  assert(!stale.ok && stale.status === 409);
  t.close();
});

Deno.test("tracker client: an unreachable tracker is status 0, not a throw", async () => {
  const c = new TrackerClient("http://127.0.0.1:1", channel, fetch, 2000);
  const r = await c.announce({ peer: "p", port: 1, event: "join" });
  assert(!r.ok);
  assertEquals(r.status, 0);
});

Deno.test("checkAnnounceReply refuses malformed replies and skips bad peer entries", () => {
  const good = {
    clubs: 4,
    recommend: [1, 2],
    peers: [
      { ip: "10.0.0.1", port: 5, clubs: [0, 3] },
      { ip: "10.0.0.2", port: 0, clubs: [] },
      { ip: "10.0.0.3", port: 7, clubs: [9] },
      { ip: 4, port: 7, clubs: [] },
      null,
    ],
    interval: 15,
    you: { ip: "1.2.3.4" },
  };
  assertEquals(checkAnnounceReply(good), {
    clubs: 4,
    recommend: [1, 2],
    peers: [{ addr: "10.0.0.1:5", clubs: [0, 3] }],
    interval: 15,
    youIp: "1.2.3.4",
  });
  for (
    const bad of [
      null,
      "x",
      { ...good, clubs: 1 },
      { ...good, interval: 0 },
      { ...good, peers: "no" },
      { ...good, recommend: [1, 1] },
      { ...good, recommend: [1, 9] },
    ]
  ) {
    assertEquals(checkAnnounceReply(bad), undefined, JSON.stringify(bad));
  }
});
