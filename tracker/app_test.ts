import { assert, assertEquals } from "../lib/testing.ts";
import { Rng } from "../lib/rand.ts";
import { createApp } from "./app.ts";
import { KvStore } from "./store.ts";
import { registration, startTestTracker } from "./test_fixture.ts";

const NOW = Date.now();

Deno.test("registration: 201 then 200, forged 403, replayed or skewed 409", async () => {
  const t = await startTestTracker();
  try {
    const { channel, body } = registration(12, NOW);
    const made = await t.call("PUT", `/c/${channel}`, body);
    assertEquals(made.status, 201);
    assertEquals(made.json.clubs, 12);
    assertEquals(made.json.interval, 15);
    assertEquals((await t.call("PUT", `/c/${channel}`, body)).status, 409);
    assertEquals(
      (await t.call("PUT", `/c/${channel}`, registration(12, NOW + 1).body)).status,
      200,
    );
    assertEquals(
      (await t.call("PUT", `/c/${channel}`, registration(12, NOW - 5).body)).status,
      409,
    );
    const skewed = await t.call("PUT", `/c/${channel}`, registration(12, NOW + 400_000).body);
    assertEquals(skewed.status, 409);
    assert(skewed.json.error.includes("clock"));
    const forged = registration(12, NOW + 2, new Uint8Array(32).fill(1)).body;
    const f = await t.call("PUT", `/c/${channel}`, forged);
    assertEquals(f.status, 403);
    assert(f.json.error.includes("signature"));
    const stats = await t.call("GET", `/c/${channel}`);
    assertEquals(stats.status, 200);
    assertEquals(stats.json.members, new Array(12).fill(0));
  } finally {
    t.close();
  }
});

Deno.test("join, heartbeat and leave replies carry clubs, peers, interval and you", async () => {
  const t = await startTestTracker({ sample: 5 });
  try {
    const { channel, body } = registration(6, NOW);
    await t.call("PUT", `/c/${channel}`, body);
    const url = `/c/${channel}/announce`;
    for (let i = 0; i < 12; i++) {
      const r = await t.call(
        "POST",
        url,
        { peer: `p${i}`, port: 4000 + i, event: "join" },
        `10.0.0.${i}`,
      );
      assertEquals(r.status, 200);
      assertEquals(r.json.clubs, 6);
      assertEquals(r.json.interval, 15);
      assertEquals(r.json.you, { ip: `10.0.0.${i}` });
      assertEquals(r.json.recommend.length, 2);
      assertEquals(r.json.peers.length, Math.min(5, i));
    }
    const hb = await t.call(
      "POST",
      url,
      { peer: "p3", port: 4003, event: "heartbeat" },
      "10.0.0.3",
    );
    assertEquals(hb.status, 200);
    assertEquals(hb.json.recommend, undefined);
    assertEquals(hb.json.peers.length, 5);
    for (const p of hb.json.peers) {
      assert(p.peer !== "p3", "a peer is never sent itself");
      assertEquals(Object.keys(p).sort(), ["clubs", "ip", "peer", "port"]);
      assertEquals(p.ip, `10.0.0.${p.peer.slice(1)}`);
    }
    const leave = await t.call("POST", url, { peer: "p3", port: 4003, event: "leave" }, "10.0.0.3");
    assertEquals(leave.json.peers, []);
    assertEquals((await t.call("GET", `/c/${channel}`)).json.peers, 11);
  } finally {
    t.close();
  }
});

Deno.test("the source announces with no clubs and is listed as such", async () => {
  const t = await startTestTracker();
  try {
    const { channel, body } = registration(4, NOW);
    await t.call("PUT", `/c/${channel}`, body);
    const url = `/c/${channel}/announce`;
    const src = await t.call("POST", url, { peer: "source", port: 5000, event: "join", clubs: [] });
    assertEquals(src.json.recommend, []);
    const p = await t.call("POST", url, { peer: "a", port: 4000, event: "join" }, "10.1.1.1");
    assertEquals(p.json.peers, [{ peer: "source", ip: "198.51.100.1", port: 5000, clubs: [] }]);
    const stats = (await t.call("GET", `/c/${channel}`)).json;
    assertEquals([stats.peers, stats.sources], [1, 1]);
    assertEquals(stats.members.reduce((a: number, b: number) => a + b, 0), 2);
  } finally {
    t.close();
  }
});

Deno.test("peer ids are bound to their address; unknown peers must join", async () => {
  const t = await startTestTracker();
  try {
    const { channel, body } = registration(4, NOW);
    await t.call("PUT", `/c/${channel}`, body);
    const url = `/c/${channel}/announce`;
    await t.call("POST", url, { peer: "a", port: 4000, event: "join" }, "10.0.0.1");
    const spoof = await t.call("POST", url, { peer: "a", port: 4000, event: "leave" }, "10.6.6.6");
    assertEquals(spoof.status, 409);
    assertEquals((await t.call("GET", `/c/${channel}`)).json.peers, 1);
    const ghost = await t.call("POST", url, { peer: "b", port: 1, event: "heartbeat" });
    assertEquals(ghost.status, 409);
    const named = await t.call("POST", url, {
      peer: "b",
      port: 1,
      event: "heartbeat",
      clubs: [0, 3],
    });
    assertEquals(named.status, 200);
    const outOfRange = await t.call("POST", url, {
      peer: "c",
      port: 1,
      event: "join",
      clubs: [0, 4],
    });
    assertEquals(outOfRange.status, 400);
  } finally {
    t.close();
  }
});

Deno.test("errors: unknown channel 404, bad channel 400, wrong method 405, no route 404", async () => {
  const t = await startTestTracker();
  try {
    const { channel } = registration(4, NOW);
    const a = await t.call("POST", `/c/${channel}/announce`, { peer: "a", port: 1, event: "join" });
    assertEquals(a.status, 404);
    assertEquals((await t.call("GET", `/c/${channel}`)).status, 404);
    const bad = await t.call("GET", "/c/not-a-key");
    assertEquals(bad.status, 400);
    assert(bad.json.error.includes("base64url"));
    assertEquals((await t.call("DELETE", `/c/${channel}`)).status, 405);
    assertEquals((await t.call("GET", `/c/${channel}/announce`)).status, 405);
    const none = await t.call("GET", "/nope");
    assertEquals([none.status, typeof none.json.error], [404, "string"]);
  } finally {
    t.close();
  }
});

Deno.test("an address over its rate gets 429 with a JSON error; others are unaffected", async () => {
  const t = await startTestTracker({ rateLimit: { rate: 1, burst: 3 } });
  try {
    const codes = [];
    for (let i = 0; i < 5; i++) {
      codes.push((await t.call("GET", "/nope", undefined, "10.9.9.9")).status);
    }
    assertEquals(codes, [404, 404, 404, 429, 429]);
    const limited = await t.call("GET", "/nope", undefined, "10.9.9.9");
    assert(limited.json.error.includes("rate limit"));
    assertEquals((await t.call("GET", "/nope", undefined, "10.9.9.8")).status, 404);
    assertEquals((await t.call("GET", "/healthz", undefined, "10.9.9.9")).status, 200);
  } finally {
    t.close();
  }
});

Deno.test("healthz, metrics and the home page", async () => {
  const t = await startTestTracker();
  try {
    const { channel, body } = registration(4, NOW);
    await t.call("PUT", `/c/${channel}`, body);
    await t.call("POST", `/c/${channel}/announce`, { peer: "a", port: 4000, event: "join" });
    assertEquals((await t.call("GET", "/healthz")).json, { ok: true });
    const metrics = await (await t.app.request("/metrics", {}, { remoteAddr: "1.1.1.1" })).text();
    assert(metrics.includes('clubcast_tracker_announces_total{event="join"} 1'), metrics);
    assert(metrics.includes('clubcast_tracker_registrations_total{result="created"} 1'));
    assert(metrics.includes("# TYPE clubcast_tracker_http_requests_total counter"));
    const page = await t.app.request("/", {}, { remoteAddr: "1.1.1.1" });
    assertEquals(page.headers.get("content-type"), "text/html; charset=UTF-8");
    assert((await page.text()).includes(`/c/${channel}`));
  } finally {
    t.close();
  }
});

Deno.test("a server that forgets to bind remoteAddr gets a 500, not a wrong address", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const app = createApp(new KvStore(kv, new Rng(1)));
    const origError = console.error;
    console.error = () => {};
    try {
      assertEquals((await app.request("/")).status, 500);
    } finally {
      console.error = origError;
    }
  } finally {
    kv.close();
  }
});

Deno.test("headers: JSON replies, Allow on 405, Retry-After on 429, metrics text", async () => {
  const t = await startTestTracker({ rateLimit: { rate: 1, burst: 2 } });
  const env = { remoteAddr: "10.2.2.2" };
  try {
    const { channel, body } = registration(4, NOW);
    const put = await t.app.request(
      `/c/${channel}`,
      { method: "PUT", body: JSON.stringify(body) },
      env,
    );
    assertEquals(put.headers.get("content-type"), "application/json");
    const join = await t.app.request(`/c/${channel}/announce`, {
      method: "POST",
      body: JSON.stringify({ peer: "a", port: 1, event: "join" }),
    }, env);
    assertEquals(join.headers.get("content-type"), "application/json");
    const no = await t.app.request(`/c/${channel}`, { method: "POST" }, env);
    assertEquals([no.status, no.headers.get("allow")], [429, null]);
    assertEquals(no.headers.get("retry-after"), "1");
    const other = { remoteAddr: "10.2.2.3" };
    const wrong = await t.app.request(`/c/${channel}`, { method: "POST" }, other);
    assertEquals([wrong.status, wrong.headers.get("allow")], [405, "GET, PUT"]);
    const m = await t.app.request("/metrics", {}, env);
    assertEquals(m.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    assert((await m.text()).includes("clubcast_tracker_rate_limited_total 1"));
  } finally {
    t.close();
  }
});

Deno.test("an oversize registration is 413; a new club count restarts the deck", async () => {
  const t = await startTestTracker();
  try {
    const { channel, body } = registration(12, NOW);
    const big = await t.call("PUT", `/c/${channel}`, { ...body, pad: "x".repeat(5000) });
    assertEquals(big.status, 413);
    assertEquals((await t.call("PUT", `/c/${channel}`, body)).status, 201);
    await t.call("POST", `/c/${channel}/announce`, { peer: "a", port: 1, event: "join" });
    assertEquals((await t.call("PUT", `/c/${channel}`, registration(6, NOW + 1).body)).status, 200);
    const stats = (await t.call("GET", `/c/${channel}`)).json;
    assertEquals([stats.clubs, stats.members.length], [6, 6]);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 3; i++) {
      const r = await t.call("POST", `/c/${channel}/announce`, {
        peer: `n${i}`,
        port: 1,
        event: "join",
      });
      assertEquals(r.json.clubs, 6);
      for (const c of r.json.recommend) counts[c]++;
    }
    assertEquals(counts, [1, 1, 1, 1, 1, 1]);
  } finally {
    t.close();
  }
});

Deno.test("two instances on one KV: a heartbeat without clubs on the other instance finds them in KV", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const opts = { rateLimit: { rate: 0, burst: 1 } };
    const a = createApp(new KvStore(kv, new Rng(1)), opts);
    const b = createApp(new KvStore(kv, new Rng(2)), opts);
    const env = { remoteAddr: "::ffff:10.1.2.3" };
    const { channel, body } = registration(12, NOW);
    await a.request(`/c/${channel}`, { method: "PUT", body: JSON.stringify(body) }, env);
    // b loads its view of the channel before the join happens on a.
    assertEquals((await (await b.request(`/c/${channel}`, {}, env)).json()).peers, 0);
    const join = await (await a.request(`/c/${channel}/announce`, {
      method: "POST",
      body: JSON.stringify({ peer: "x", port: 9, event: "join" }),
    }, env)).json();
    assertEquals(join.you, { ip: "10.1.2.3" });
    const hb = await b.request(`/c/${channel}/announce`, {
      method: "POST",
      body: JSON.stringify({ peer: "x", port: 9, event: "heartbeat" }),
    }, env);
    assertEquals(hb.status, 200);
    const stats = await (await b.request(`/c/${channel}`, {}, env)).json();
    assertEquals(stats.members.reduce((s: number, n: number) => s + n, 0), 2);
    for (const c of join.recommend) assertEquals(stats.members[c], 1);
  } finally {
    kv.close();
  }
});

Deno.test("the home page lists the busiest channels first, up to its limit", async () => {
  const t = await startTestTracker({ pageChannels: 2 });
  try {
    const chans: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { channel, body } = registration(4, NOW, new Uint8Array(32).fill(60 + i));
      await t.call("PUT", `/c/${channel}`, body);
      for (let p = 0; p < i; p++) {
        await t.call("POST", `/c/${channel}/announce`, { peer: `p${p}`, port: 1, event: "join" });
      }
      chans.push(channel);
    }
    const html = await (await t.app.request("/", {}, { remoteAddr: "1.1.1.1" })).text();
    const shown = chans.filter((c) => html.includes(`/c/${c}"`));
    assertEquals(shown.length, 2);
    assert(html.includes("Only the first 2 channels are shown"));
    const order = shown.map((c) => html.indexOf(`/c/${c}"`));
    const peersOf = shown.map((c) => chans.indexOf(c));
    // Of the two shown, the one with more peers comes first.
    assert((order[0] < order[1]) === (peersOf[0] > peersOf[1]), JSON.stringify({ order, peersOf }));
    for (
      const name of [
        "clubcast_tracker_http_requests_total",
        "clubcast_tracker_announces_total",
        "clubcast_tracker_registrations_total",
        "clubcast_tracker_rate_limited_total",
        "clubcast_tracker_cached_channels",
        "clubcast_tracker_kv_refreshes_total",
        "clubcast_tracker_peer_batches_total",
        "clubcast_tracker_deck_conflicts_total",
      ]
    ) {
      const m = await (await t.app.request("/metrics", {}, { remoteAddr: "1.1.1.1" })).text();
      assert(m.includes(`# TYPE ${name} `), name);
    }
  } finally {
    t.close();
  }
});
