/**
 * Connection counters end to end (conn_counter.ts): what a peer sends carries the
 * connection's count offset by its secret, and a connection made again restarts the count
 * at both ends.
 */
import { assert, assertEquals } from "../testing.ts";
import { countOf } from "./conn_counter.ts";
import { connKey } from "./conns.ts";
import { connectFrom, drain, Feed, makePeer, type Out, Upstream } from "./test_harness.ts";

/** The counts of the live blocks in `out` to `to`, read with `secret`. */
function counts(out: readonly Out[], to: string, secret: number): number[] {
  return out.flatMap(({ to: t, msg }) =>
    t === to && msg.t === "block" && !msg.repair ? [countOf(secret, msg.n)] : []
  );
}

Deno.test("counter: a peer's live blocks count from 1 under its secret, and again after a new connect", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "d", 0, "down", [0, 2]);
  drain(p, 0);
  const src = new Upstream("src", 0), feed = new Feed();
  const lead = { t: "keepalive", club: 0, lead: true, cookie: 0, offers: false } as const;
  p.handleMessage(0, "d", lead);
  const secret = p.ups.get(connKey("d", 0))!.secret;
  assert(secret !== 0, "the connection has a secret");
  const send = (t: number) => {
    const { data, auth } = feed.batch(6, t);
    src.send(p, t, auth);
    for (const b of data) if (b.seq % 3 === 0) src.send(p, t, b);
    return counts(drain(p, t), "d", secret);
  };
  // Club 0's data blocks 0 and 3 and the signature block 6; then 9 and 12.
  assertEquals(send(10), [1, 2, 3]);
  assertEquals(send(20), [4, 5]);
  // d asks again for the connection p still has (it lost its own record of it).
  connectFrom(p, 30, "d", 0, "down", [0, 2]);
  p.handleMessage(30, "d", lead);
  drain(p, 30);
  assertEquals(send(40), [1, 2], "the count starts again (15 and 18)");
});

Deno.test("counter: an upstream offering again a connection the peer still has restarts the count it expects", () => {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "u", 2, "up", [2, 0]);
  drain(p, 0);
  const u = new Upstream("u", 2);
  const { data } = new Feed().batch(12, 0);
  u.send(p, 10, data[2], 4000);
  const down = p.downs.get(connKey("u", 2))!;
  assertEquals(down.monitor.newest, 4000);
  connectFrom(p, 20, "u", 2, "up", [2, 0]);
  assertEquals(p.downs.get(connKey("u", 2)), down, "the same connection");
  assertEquals(down.monitor.newest, 0, "its count starts again");
  u.send(p, 30, data[5], 1);
  assertEquals(p.stats.spoofedBlocks, 0);
  assertEquals(down.monitor.newest, 1);
});
