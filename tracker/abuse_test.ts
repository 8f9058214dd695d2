/**
 * Tracker abuse (issue 6): unsigned, forged or replayed registrations, announce floods, and
 * attempts to take a channel, or its source's place, without the channel's key. Each test
 * runs the real app over a real `:memory:` KV and checks what KV holds afterwards, not only
 * the status codes.
 */
import { assert, assertEquals } from "../lib/testing.ts";
import { encodeBase64Url } from "../lib/channel/base64url.ts";
import { registration, startTestTracker, type TestTracker } from "./test_fixture.ts";

const NOW = 1_800_000_000_000;
const ATTACKER = new Uint8Array(32).fill(66);

/** The channel's record and deck as KV holds them. */
async function stored(t: TestTracker, channel: string) {
  const [ch, deck] = await t.kv.getMany([["ch", channel], ["deck", channel]]);
  return { ch: ch.value, deck: deck.value };
}

Deno.test("abuse: unsigned registrations are refused and create nothing", async () => {
  const t = await startTestTracker({ now: () => NOW });
  try {
    const { channel, body } = registration(12, NOW);
    const other = registration(12, NOW, ATTACKER); // a valid signature, for another channel
    const unsigned = [
      { clubs: 12, ts: NOW },
      { clubs: 12, ts: NOW, sig: "" },
      { clubs: 12, ts: NOW, sig: null },
      { clubs: 12, ts: NOW, sig: encodeBase64Url(new Uint8Array(64)) },
      { clubs: 12, ts: NOW, sig: other.body.sig },
      { ...body, sig: body.sig.slice(0, 85) + (body.sig[85] === "A" ? "Q" : "A") },
    ];
    for (const b of unsigned) {
      const r = await t.call("PUT", `/c/${channel}`, b);
      assert(r.status === 400 || r.status === 403, `${JSON.stringify(b)}: ${r.status}`);
    }
    assertEquals(await stored(t, channel), { ch: null, deck: null });
    assertEquals((await t.call("GET", `/c/${channel}`)).status, 404);
    const ann = await t.call("POST", `/c/${channel}/announce`, {
      peer: "a",
      port: 1,
      event: "join",
    });
    assertEquals(ann.status, 404);
  } finally {
    t.close();
  }
});

Deno.test("abuse: another key cannot take over a channel, whatever it signs", async () => {
  const t = await startTestTracker({ now: () => NOW });
  try {
    const { channel, body } = registration(12, NOW);
    assertEquals((await t.call("PUT", `/c/${channel}`, body)).status, 201);
    await t.call("POST", `/c/${channel}/announce`, { peer: "a", port: 1, event: "join" });
    const before = await stored(t, channel);
    // The attacker's key signs newer registrations for our channel id, with other counts.
    for (const [clubs, ts] of [[12, NOW + 1], [20, NOW + 2], [2, NOW + 60_000]]) {
      const forged = registration(clubs, ts, ATTACKER).body;
      const r = await t.call("PUT", `/c/${channel}`, forged, "203.0.113.66");
      assertEquals(r.status, 403);
    }
    // Registering its own channel is allowed and touches nothing of ours.
    const own = registration(20, NOW, ATTACKER);
    assertEquals((await t.call("PUT", `/c/${own.channel}`, own.body)).status, 201);
    assertEquals(await stored(t, channel), before);
    assertEquals((await t.call("GET", `/c/${channel}`)).json.clubs, 12);
  } finally {
    t.close();
  }
});

Deno.test("abuse: a replayed registration is refused, also when twenty copies race", async () => {
  const t = await startTestTracker({ now: () => NOW, rateLimit: { rate: 0, burst: 1 } });
  try {
    const { channel, body } = registration(12, NOW);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => t.call("PUT", `/c/${channel}`, body)),
    );
    const codes = answers.map((a) => a.status).sort();
    assertEquals(codes, [201, ...new Array(19).fill(409)]);
    // A newer registration, then the older one replayed: refused, the newer one stays.
    const newer = registration(6, NOW + 1).body;
    assertEquals((await t.call("PUT", `/c/${channel}`, newer)).status, 200);
    assertEquals((await t.call("PUT", `/c/${channel}`, body)).status, 409);
    const { ch } = await stored(t, channel);
    assertEquals([(ch as { clubs: number }).clubs, (ch as { ts: number }).ts], [6, NOW + 1]);
  } finally {
    t.close();
  }
});

Deno.test("abuse: an announce flood from one address is cut at its burst and writes nothing more", async () => {
  const t = await startTestTracker({
    now: () => NOW,
    rateLimit: { rate: 50, burst: 100 },
    peersPerAddress: 0, // the bound on entries per address has its own test
  });
  try {
    const { channel, body } = registration(12, NOW);
    await t.call("PUT", `/c/${channel}`, body, "192.0.2.1");
    const url = `/c/${channel}/announce`;
    const codes = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const r = await t.call("POST", url, { peer: `f${i}`, port: 1, event: "join" }, "203.0.113.5");
      codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
    }
    // The clock stands still: the burst and nothing more gets through.
    assertEquals([...codes].sort(), [[200, 100], [429, 200]]);
    // Its IPv4-mapped IPv6 spelling is the same client.
    const mapped = await t.call(
      "POST",
      url,
      { peer: "m", port: 1, event: "join" },
      "::ffff:203.0.113.5",
    );
    assertEquals(mapped.status, 429);
    // Refused announces wrote nothing; another address is served as before.
    assertEquals((await t.call("GET", `/c/${channel}`, undefined, "192.0.2.9")).json.peers, 100);
    const other = await t.call("POST", url, { peer: "ok", port: 1, event: "join" }, "192.0.2.7");
    assertEquals(other.status, 200);
  } finally {
    t.close();
  }
});

Deno.test("abuse: an IPv6 client is limited per /64, however many addresses it sends from", async () => {
  const t = await startTestTracker({ now: () => NOW, rateLimit: { rate: 1, burst: 5 } });
  try {
    const codes = [];
    for (let i = 1; i <= 8; i++) {
      codes.push(
        (await t.call("GET", "/nope", undefined, `2001:db8:0:7::${i.toString(16)}`)).status,
      );
    }
    assertEquals(codes, [404, 404, 404, 404, 404, 429, 429, 429]);
    // The next /64 is another client.
    assertEquals((await t.call("GET", "/nope", undefined, "2001:db8:0:8::1")).status, 404);
  } finally {
    t.close();
  }
});

Deno.test("abuse: only the address that registered a channel may announce as its source", async () => {
  const t = await startTestTracker({ now: () => NOW });
  try {
    const { channel, body } = registration(4, NOW);
    await t.call("PUT", `/c/${channel}`, body, "192.0.2.1");
    const url = `/c/${channel}/announce`;
    const src = { peer: "source", port: 5000, event: "join", clubs: [] };
    const impostor = await t.call("POST", url, { ...src, peer: "evil" }, "203.0.113.66");
    assertEquals(impostor.status, 403);
    assert(impostor.json.error.includes("source"));
    for (const event of ["heartbeat", "leave"]) {
      const r = await t.call("POST", url, { ...src, peer: "evil", event }, "203.0.113.66");
      assertEquals(r.status, 403);
    }
    assertEquals((await t.call("POST", url, src, "192.0.2.1")).status, 200);
    // An ordinary join from the impostor's address still works: it is a peer like any other.
    const peer = await t.call("POST", url, { peer: "v", port: 1, event: "join" }, "203.0.113.66");
    assertEquals(peer.status, 200);
    assertEquals(peer.json.peers, [{ peer: "source", ip: "192.0.2.1", port: 5000, clubs: [] }]);
    assertEquals((await t.call("GET", `/c/${channel}`)).json.sources, 1);
    // The source moves: its next signed registration from the new address moves the right.
    const moved = registration(4, NOW + 1).body;
    assertEquals((await t.call("PUT", `/c/${channel}`, moved, "192.0.2.50")).status, 200);
    assertEquals((await t.call("POST", url, { ...src, peer: "s2" }, "192.0.2.50")).status, 200);
    assertEquals((await t.call("POST", url, { ...src, peer: "s3" }, "192.0.2.1")).status, 403);
  } finally {
    t.close();
  }
});

Deno.test("abuse: one address cannot fill a swarm with made-up peers", async () => {
  let now = NOW;
  const t = await startTestTracker({ now: () => now, rateLimit: { rate: 1000, burst: 2000 } });
  try {
    const { channel, body } = registration(12, NOW);
    await t.call("PUT", `/c/${channel}`, body, "192.0.2.1");
    const url = `/c/${channel}/announce`;
    const join = (peer: string, ip: string) =>
      t.call("POST", url, { peer, port: 1, event: "join" }, ip);
    const codes: number[] = [];
    for (let i = 0; i < 100; i++) codes.push((await join(`fake${i}`, "203.0.113.5")).status);
    assertEquals(codes, [...new Array(64).fill(200), ...new Array(36).fill(403)]);
    // The same for a /64 of IPv6 addresses.
    for (let i = 1; i <= 70; i++) await join(`v6-${i}`, `2001:db8:0:9::${i.toString(16)}`);
    assertEquals((await t.call("GET", `/c/${channel}`)).json.peers, 128);
    // Its existing entries still heartbeat; other addresses still join.
    const hb = await t.call(
      "POST",
      url,
      { peer: "fake3", port: 1, event: "heartbeat" },
      "203.0.113.5",
    );
    assertEquals(hb.status, 200);
    assertEquals((await join("honest", "192.0.2.8")).status, 200);
    // Once its entries expire (3 intervals), the address may join again.
    now += 3 * 15_000 + 1;
    assertEquals((await join("later", "203.0.113.5")).status, 200);
  } finally {
    t.close();
  }
});
