import { assert, assertEquals } from "../lib/testing.ts";
import { Rng } from "../lib/rand.ts";
import { KvStore } from "./store.ts";
import { SwarmCache } from "./swarm_cache.ts";
import type { PeerRecord } from "./records.ts";

const CH = "C".repeat(43);
const HOUR = 3_600_000;

function rec(peer: string, deadline = 10 * HOUR): PeerRecord {
  return { peer, ip: "10.0.0.2", port: 5000, clubs: [1, 2], deadline };
}

async function setup(): Promise<{ kv: Deno.Kv; store: KvStore; clock: { t: number } }> {
  const kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv, new Rng(1));
  await store.register(CH, 12, 1, 0, HOUR);
  return { kv, store, clock: { t: 1000 } };
}

Deno.test("the cache reads KV once per TTL and sees other instances' writes after it", async () => {
  const { kv, store, clock } = await setup();
  try {
    const cache = new SwarmCache(store, 1000, () => clock.t);
    assertEquals((await cache.get(CH))?.peers.size, 0);
    // Another instance writes straight to KV.
    await store.putPeer(CH, rec("far"), HOUR);
    clock.t += 500;
    assertEquals((await cache.get(CH))?.peers.size, 0);
    assertEquals(cache.refreshes, 1);
    clock.t += 600;
    // Stale: the first call answers from the old view and starts a refresh.
    await cache.get(CH);
    // The refresh runs in the background; on a loaded machine it may take a while to land
    // (a fixed 10 ms wait here failed under load). The clock stands still, so no other
    // refresh starts meanwhile.
    for (let waited = 0; cache.refreshes < 2 && waited < 5000; waited += 10) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assertEquals((await cache.get(CH))?.peers.get("far", clock.t)?.peer, "far");
    assertEquals(cache.refreshes, 2);
  } finally {
    kv.close();
  }
});

Deno.test("this instance's own writes and leaves show at once, even across a refresh", async () => {
  const { kv, store, clock } = await setup();
  try {
    const cache = new SwarmCache(store, 1000, () => clock.t);
    await cache.get(CH);
    cache.notePut(CH, rec("a"));
    assert((await cache.get(CH))!.peers.get("a", clock.t) !== undefined);
    // A refresh whose KV snapshot predates a local delete must not resurrect the peer.
    await store.putPeer(CH, rec("b"), HOUR);
    clock.t += 6000;
    const pending = cache.get(CH);
    cache.noteDelete(CH, "b");
    const view = await pending;
    assertEquals(view!.peers.get("b", clock.t), undefined);
    assert(view!.peers.get("a", clock.t) === undefined, "a was never written to KV");
  } finally {
    kv.close();
  }
});

Deno.test("an unknown channel is null until it is registered through this instance", async () => {
  const { kv, store, clock } = await setup();
  try {
    const cache = new SwarmCache(store, 1000, () => clock.t);
    const other = "D".repeat(43);
    assertEquals(await cache.get(other), null);
    const r = await store.register(other, 6, 1, clock.t, HOUR);
    assert(r.kind === "created");
    cache.noteChannel(other, r.record);
    assertEquals((await cache.get(other))?.channel.clubs, 6);
  } finally {
    kv.close();
  }
});

Deno.test("a swarm that is slow to list is re-read less often: 20 times its listing time", async () => {
  const { kv, store, clock } = await setup();
  try {
    // A listing that takes 200 ms of the cache's clock.
    const slow = Object.assign(Object.create(store), {
      listPeers: (channel: string, now: number) => {
        clock.t += 200;
        return store.listPeers(channel, now);
      },
    }) as KvStore;
    const cache = new SwarmCache(slow, 1000, () => clock.t);
    await cache.get(CH);
    assertEquals(cache.refreshes, 1);
    clock.t += 2000;
    await cache.get(CH);
    assertEquals(cache.refreshes, 1, "still within 20 x 200 ms");
    clock.t += 2100;
    await cache.get(CH);
    await new Promise((r) => setTimeout(r, 10));
    assertEquals(cache.refreshes, 2);
  } finally {
    kv.close();
  }
});
