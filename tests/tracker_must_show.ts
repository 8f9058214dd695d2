/**
 * The tracker's acceptance scenarios (issue 3, "What it must show"), written against a
 * {@link Caller} so the same checks run through `app.request()` and through a real port.
 * The tracker under test must run with `--interval 1` and no rate limit.
 */
import { assert, assertEquals } from "../lib/testing.ts";
import { Rng } from "../lib/rand.ts";
import { type Caller, registration } from "../tracker/test_fixture.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new source key per scenario, so scenarios never share a channel. */
function secretOf(n: number): Uint8Array {
  return new Uint8Array(32).fill(100 + n);
}

async function newChannel(call: Caller, n: number, clubs = 12): Promise<string> {
  const { channel, body } = registration(clubs, Date.now(), secretOf(n));
  const r = await call("PUT", `/c/${channel}`, body);
  assertEquals(r.status, 201, JSON.stringify(r.json));
  return channel;
}

function peerIds(answer: { json: { peers: { peer: string }[] } }): string[] {
  return answer.json.peers.map((p) => p.peer).sort();
}

/** 24 joins over 12 clubs deal every club exactly 4 times. */
export async function joinsDealEveryClubFourTimes(call: Caller): Promise<void> {
  const channel = await newChannel(call, 1);
  const counts = new Array(12).fill(0);
  for (let i = 0; i < 24; i++) {
    const r = await call("POST", `/c/${channel}/announce`, {
      peer: `viewer${i}`,
      port: 7000 + i,
      event: "join",
    }, `203.0.113.${i + 1}`);
    assertEquals(r.status, 200, JSON.stringify(r.json));
    assertEquals(r.json.clubs, 12);
    const [a, b] = r.json.recommend;
    assert(a !== b, `join ${i} dealt club ${a} twice`);
    counts[a]++;
    counts[b]++;
  }
  assertEquals(counts, new Array(12).fill(4));
  const stats = await call("GET", `/c/${channel}`);
  assertEquals(stats.json.members, new Array(12).fill(4));
  assertEquals(stats.json.peers, 24);
}

/**
 * With a 1 s interval, a peer that stops announcing is gone from every reply (and from
 * the stats) within 4 s, while it is still listed 2 s after its last announce.
 */
export async function silentPeerExpires(call: Caller): Promise<void> {
  const channel = await newChannel(call, 2);
  const url = `/c/${channel}/announce`;
  const t0 = Date.now();
  assertEquals(
    (await call("POST", url, { peer: "quiet", port: 7001, event: "join" }, "10.0.0.1")).status,
    200,
  );
  await call("POST", url, { peer: "chatty", port: 7002, event: "join" }, "10.0.0.2");
  await sleep(2000 - (Date.now() - t0));
  const early = await call(
    "POST",
    url,
    { peer: "chatty", port: 7002, event: "heartbeat" },
    "10.0.0.2",
  );
  assertEquals(peerIds(early), ["quiet"]);
  await sleep(3300 - (Date.now() - t0));
  const late = await call(
    "POST",
    url,
    { peer: "chatty", port: 7002, event: "heartbeat" },
    "10.0.0.2",
  );
  const fresh = await call(
    "POST",
    url,
    { peer: "newcomer", port: 7003, event: "join" },
    "10.0.0.3",
  );
  const stats = await call("GET", `/c/${channel}`);
  assert(Date.now() - t0 < 4000, "checks ran late; the test proves nothing");
  assertEquals(peerIds(late), []);
  assertEquals(peerIds(fresh), ["chatty"]);
  assertEquals(stats.json.peers, 2);
}

/** "leave" removes a peer from the very next reply. */
export async function leaveRemovesAtOnce(call: Caller): Promise<void> {
  const channel = await newChannel(call, 3);
  const url = `/c/${channel}/announce`;
  await call("POST", url, { peer: "a", port: 7001, event: "join" }, "10.0.1.1");
  await call("POST", url, { peer: "b", port: 7002, event: "join" }, "10.0.1.2");
  assertEquals(
    peerIds(await call("POST", url, { peer: "c", port: 7003, event: "join" }, "10.0.1.3")),
    ["a", "b"],
  );
  const left = await call("POST", url, { peer: "a", port: 7001, event: "leave" }, "10.0.1.1");
  assertEquals(left.status, 200);
  assertEquals(
    peerIds(await call("POST", url, { peer: "c", port: 7003, event: "heartbeat" }, "10.0.1.3")),
    ["b"],
  );
  assertEquals((await call("GET", `/c/${channel}`)).json.peers, 2);
}

/** A forged registration is refused with 403, a replayed or stale one with 409. */
export async function forgedOrReplayedRefused(call: Caller): Promise<void> {
  const ts = Date.now();
  const { channel, body } = registration(12, ts, secretOf(4));
  assertEquals((await call("PUT", `/c/${channel}`, body)).status, 201);
  // Replay of the very request.
  const replay = await call("PUT", `/c/${channel}`, body);
  assertEquals(replay.status, 409);
  // Someone else's key signing this channel's text.
  const forged = registration(12, ts + 1, secretOf(5)).body;
  assertEquals((await call("PUT", `/c/${channel}`, forged)).status, 403);
  // A valid signature moved onto other fields.
  assertEquals((await call("PUT", `/c/${channel}`, { ...body, clubs: 13 })).status, 403);
  assertEquals((await call("PUT", `/c/${channel}`, { ...body, ts: ts + 5 })).status, 403);
  // A correctly signed but old registration (captured more than 5 minutes ago).
  const other = registration(12, ts - 6 * 60_000, secretOf(6));
  assertEquals((await call("PUT", `/c/${other.channel}`, other.body)).status, 409);
  // The channel still has its first registration's club count.
  assertEquals((await call("GET", `/c/${channel}`)).json.clubs, 12);
}

/** 200 malformed requests, each kind of bad input; every one must get a 4xx JSON error. */
export function malformedRequests(
  channel: string,
  seed = 1,
): { method: string; path: string; body: unknown }[] {
  const rng = new Rng(seed);
  const ok = { peer: "p", port: 4000, event: "join" };
  const reg = registration(12, Date.now(), secretOf(7)).body;
  const ann = `/c/${channel}/announce`;
  const junk = (n: number) =>
    Array.from({ length: n }, () => String.fromCharCode(32 + rng.int(95))).join("");
  const values: unknown[] = [null, true, 0, -1, 1.5, 1e300, "", "x", [], [1, 2], {}, { a: 1 }];
  const out: { method: string; path: string; body: unknown }[] = [];
  const add = (method: string, path: string, body: unknown) => out.push({ method, path, body });
  for (const v of values) {
    add("POST", ann, JSON.stringify(v));
    add("PUT", `/c/${channel}`, JSON.stringify(v));
    if (v !== "x") add("POST", ann, { ...ok, peer: v });
    add("POST", ann, { ...ok, port: v });
    add("POST", ann, { ...ok, event: v });
    // [] (the source) and [1, 2] are valid clubs.
    if (!Array.isArray(v)) add("POST", ann, { ...ok, clubs: v });
    add("PUT", `/c/${channel}`, { ...reg, clubs: v });
    add("PUT", `/c/${channel}`, { ...reg, ts: v });
    add("PUT", `/c/${channel}`, { ...reg, sig: v });
  }
  const text = JSON.stringify(ok);
  for (let i = 0; i < text.length - 1; i += 3) add("POST", ann, text.slice(0, i));
  while (out.length < 170) {
    switch (rng.int(6)) {
      case 0:
        add("POST", ann, junk(1 + rng.int(60)));
        break;
      case 1:
        add("POST", ann, Uint8Array.from({ length: 1 + rng.int(40) }, () => 128 + rng.int(128)));
        break;
      case 2:
        add("POST", ann, { ...ok, port: 65536 + rng.int(100000) });
        break;
      case 3:
        add("POST", ann, { ...ok, event: junk(1 + rng.int(10)) });
        break;
      case 4:
        add("POST", ann, { ...ok, peer: `${junk(3)} ${junk(3)}` });
        break;
      default:
        add("POST", ann, { ...ok, clubs: [rng.int(12), 12 + rng.int(50)] });
    }
  }
  while (out.length < 185) add("POST", ann, { ...ok, pad: "x".repeat(4097 + rng.int(20000)) });
  while (out.length < 200) {
    const badChannel = [
      channel.slice(1),
      channel + "A",
      channel.slice(0, 42) + "=",
      junk(43).replace(/[/?#%]/g, "x"),
    ][rng.int(4)];
    add(
      rng.chance(0.5) ? "POST" : "PUT",
      rng.chance(0.5)
        ? `/c/${encodeURIComponent(badChannel)}/announce`
        : `/c/${encodeURIComponent(badChannel)}`,
      ok,
    );
  }
  return out;
}

/** Sends the 200 malformed requests and checks every answer is a 4xx with an error text. */
export async function malformedGet4xx(call: Caller): Promise<void> {
  const channel = await newChannel(call, 8);
  const cases = malformedRequests(channel);
  assertEquals(cases.length, 200);
  const statuses = new Map<number, number>();
  for (const c of cases) {
    const r = await call(c.method, c.path, c.body, "192.0.2.77");
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    assert(
      r.status >= 400 && r.status < 500,
      `${c.method} ${c.path} ${String(c.body).slice(0, 80)} -> ${r.status}`,
    );
    assert(
      typeof r.json?.error === "string" && r.json.error.length > 0,
      `no error text for ${c.path}`,
    );
  }
  // The cases really exercise oversize bodies, bad input and bad channels.
  assert(
    (statuses.get(413) ?? 0) >= 15 && (statuses.get(400) ?? 0) >= 100,
    JSON.stringify([...statuses]),
  );
}
