import type { PeerEvent } from "../../lib/peer/events.ts";
import type { Block } from "../../lib/wire/messages.ts";
import { assertEquals } from "../../lib/testing.ts";
import { Forgeries } from "./forge.ts";
import { MaliceTally } from "./tally.ts";

const indexOf = (a: string) => Number(a.slice(1));

Deno.test("tally: forged blocks stored, played or sent by honest peers are counted", () => {
  const f = new Forgeries(7, 43);
  const t = new MaliceTally(f, (j) => j === 5 ? "forger" : undefined);
  const forged = f.data(3, 0, 5), auth = f.auth(12, 0, 12, 0, 5);
  const genuine: Block = { kind: "data", seq: 4, srcTime: 0, payload: new Uint8Array(9) };
  const store = new Map<number, Block>([[3, forged], [4, genuine], [12, auth]]);
  const stored = (s: number) => store.get(s);
  const ready = (seq: number): PeerEvent => ({ type: "ready", seq, kind: "data", at: 0 });
  for (const s of [3, 4, 12]) t.onEvent(ready(s), stored, indexOf);
  const play = (payload: Uint8Array): PeerEvent => ({
    type: "playback",
    event: { type: "play", seq: 1, at: 0, payload, srcTime: 0 },
  });
  t.onEvent(play(forged.payload), stored, indexOf);
  t.onEvent(play(genuine.payload), stored, indexOf);
  t.onSend(auth);
  t.onSend(genuine);
  assertEquals([t.stored, t.played, t.relayed, t.accepted], [2, 1, 1, 2]);
});

Deno.test("tally: bans and closed connections are counted per kind; false accusations apart", () => {
  const f = new Forgeries(7, 43);
  const t = new MaliceTally(f, (j) => j === 5 ? "forger" : j === 6 ? "freerider" : undefined);
  t.joined("forger");
  t.joined("freerider");
  const none = () => undefined;
  for (const from of ["n5", "n5", "n2"]) t.onEvent({ type: "forged", from }, none, indexOf);
  const close = (remote: string, reason: "idle" | "forged"): PeerEvent => ({
    type: "conn",
    open: false,
    dir: "down",
    club: 0,
    remote,
    reason,
  });
  t.onEvent(close("n6", "idle"), none, indexOf);
  t.onEvent(close("n6", "idle"), none, indexOf);
  t.onEvent(close("n5", "forged"), none, indexOf);
  t.onEvent(close("n3", "idle"), none, indexOf);
  assertEquals(t.honestAccused, 1);
  const r = t.report([]) as Record<string, Record<string, unknown>>;
  assertEquals(r.forger.peers, 1);
  assertEquals([r.forger.bans, r.forger.bannedPeers], [2, 1]);
  assertEquals(r.forger.closed, { forged: 1 });
  assertEquals(r.freerider.closed, { idle: 2 });
  assertEquals([r.freerider.bans, r.freerider.bannedPeers], [0, 0]);
  assertEquals(r.junk, undefined, "no junk peers, no junk entry");
});
