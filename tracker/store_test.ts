import { assert, assertEquals } from "../lib/testing.ts";
import { Rng } from "../lib/rand.ts";
import { KvStore } from "./store.ts";
import { peerKey } from "./records.ts";

const CH = "B".repeat(43);
const HOUR = 3_600_000;

async function withStore(fn: (s: KvStore) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(new KvStore(kv, new Rng(1)));
  } finally {
    kv.close();
  }
}

Deno.test("register creates, refreshes, and refuses a ts that is not newer", () =>
  withStore(async (s) => {
    const created = await s.register(CH, 12, 1000, 50_000, HOUR);
    assertEquals(created, {
      kind: "created",
      record: { clubs: 12, created: 50_000, refreshed: 50_000, ts: 1000 },
    });
    assertEquals(await s.register(CH, 12, 1000, 60_000, HOUR), { kind: "stale", last: 1000 });
    assertEquals(await s.register(CH, 12, 999, 60_000, HOUR), { kind: "stale", last: 1000 });
    const again = await s.register(CH, 12, 1001, 70_000, HOUR);
    assertEquals(again.kind, "refreshed");
    assertEquals(await s.getChannel(CH), {
      clubs: 12,
      created: 50_000,
      refreshed: 70_000,
      ts: 1001,
    });
    assertEquals((await s.listChannels(10)).map((c) => c.channel), [CH]);
  }));

Deno.test("peer writes are group-committed and reads drop entries past their deadline", () =>
  withStore(async (s) => {
    await s.register(CH, 12, 1, 0, HOUR);
    const batchesBefore = s.peerBatches;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        s.putPeer(CH, {
          peer: `p${i}`,
          ip: "10.0.0.1",
          port: 4000 + i,
          clubs: [0, 1],
          deadline: i < 10 ? 5_000 : 50_000,
        }, HOUR)),
    );
    // 30 concurrent writes take far fewer than 30 commits.
    assert(s.peerBatches - batchesBefore <= 2, `${s.peerBatches - batchesBefore} batches`);
    assertEquals((await s.listPeers(CH, 1_000)).length, 30);
    assertEquals((await s.listPeers(CH, 10_000)).length, 20);
    assertEquals(await s.getPeer(CH, "p3", 10_000), null);
    assertEquals((await s.getPeer(CH, "p13", 10_000))?.port, 4013);
    await s.deletePeer(CH, "p13");
    assertEquals((await s.kv.get(peerKey(CH, "p13"))).value, null);
  }));

Deno.test("the deck is dealt through the store and restarts when clubs change", () =>
  withStore(async (s) => {
    assertEquals(await s.deal(CH), null);
    await s.register(CH, 12, 1, 0, HOUR);
    const [a, b] = (await s.deal(CH))!;
    assert(a !== b && a < 12 && b < 12);
    await s.register(CH, 3, 2, 0, HOUR);
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) for (const c of (await s.deal(CH))!) seen.add(c);
    assertEquals([...seen].sort(), [0, 1, 2]);
  }));
