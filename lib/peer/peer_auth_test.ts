/**
 * Authentication in the peer core [0041]-[0046], [0049]: nothing is relayed or played before
 * its batch's signature block verified it; forged blocks are dropped, counted and their
 * senders banned; a block reaches a given downstream once.
 */
import { standinPair } from "../auth/standin.ts";
import { assert, assertEquals } from "../testing.ts";
import type { PeerEvent } from "./events.ts";
import type { PeerCore } from "./peer.ts";
import {
  connectFrom,
  drain,
  Feed,
  makePeer,
  type Out,
  tampered,
  Upstream,
} from "./test_harness.ts";

function blocks(out: readonly Out[]): string[] {
  return out.flatMap(({ to, msg }) => msg.t === "block" ? [`${msg.block.seq}>${to}`] : []);
}

function events(p: PeerCore): PeerEvent[] {
  const list: PeerEvent[] = [];
  for (let e = p.pollEvent(); e; e = p.pollEvent()) list.push(e);
  return list;
}

/** A peer in clubs 0 and 1 (of 3): the source and x upload club 0, d downloads it. */
function setup(): { p: PeerCore; src: Upstream; x: Upstream } {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 0, "up", []);
  connectFrom(p, 0, "x", 0, "up", [0, 2]);
  connectFrom(p, 0, "d", 0, "down", [0, 2]);
  drain(p, 0);
  events(p);
  return { p, src: new Upstream("src", 0), x: new Upstream("x", 0) };
}

Deno.test("[0046] a peer neither relays nor plays a block before its batch's signature block verified it", () => {
  const { p, src } = setup();
  const feed = new Feed();
  const batches = [0, 600, 1200].map((t) => feed.batch(30, t));
  for (const [i, { data }] of batches.entries()) {
    for (const b of data.filter((b) => b.seq % 3 === 0)) src.send(p, 600 * i + 10, b);
    for (let t = 600 * i; t < 600 * (i + 1); t += 50) p.handleTimeout(t);
  }
  const before = events(p);
  assertEquals(before.filter((e) => e.type === "ready" || e.type === "playback"), []);
  assertEquals(blocks(drain(p, 1800)), []);
  for (const { auth } of batches) src.send(p, 1810, auth);
  const ready = events(p).filter((e) => e.type === "ready").map((e) => e.type === "ready" && e.seq);
  assertEquals(ready.length, 33, "30 club-0 data blocks and 3 signature blocks");
  const relayed = drain(p, 1810).filter(({ msg }) =>
    msg.t === "block" && msg.block.kind === "data"
  );
  assertEquals(relayed.length, 30);
  p.handleTimeout(1850);
  assert(events(p).some((e) => e.type === "playback" && e.event.type === "start"));
});

Deno.test("[0046] a data block whose leaf does not match its signed batch is dropped, counted and its sender banned", () => {
  const { p, src, x } = setup();
  const { data, auth } = new Feed().batch(12, 0);
  src.send(p, 10, auth);
  drain(p, 10);
  events(p);
  x.send(p, 20, tampered(data[3]));
  assertEquals(p.stats.forged, 1);
  assert(p.bans.has("x"));
  assert(events(p).some((e) => e.type === "forged" && e.from === "x"));
  const out = drain(p, 20);
  assertEquals(blocks(out), [], "the forged block is not relayed");
  assert(out.some((o) => o.to === "x" && o.msg.t === "drop"), "connections with x dropped");
  assertEquals(p.downs.has("0|x"), false);
  src.send(p, 30, data[3]);
  assertEquals(blocks(drain(p, 30)), ["3>d"], "the honest copy still verifies");
});

Deno.test("[0046] a forged copy of a block already verified is caught too, and its sender banned", () => {
  const { p, src, x } = setup();
  const { data, auth } = new Feed().batch(12, 0);
  src.send(p, 10, auth);
  src.send(p, 11, data[3]);
  drain(p, 11);
  x.send(p, 20, data[3]); // an honest copy: a duplicate, nothing more
  assertEquals(p.stats.forged, 0);
  assert(!p.bans.has("x"));
  x.send(p, 30, tampered(data[3]));
  assertEquals(p.stats.forged, 1);
  assert(p.bans.has("x"));
  assertEquals(blocks(drain(p, 30)), [], "nothing relayed");
  const played = events(p).filter((e) => e.type === "ready").map((e) =>
    e.type === "ready" && e.seq
  );
  assertEquals(
    played.filter((s) => s === 3).length,
    1,
    "block 3 was accepted once, the honest one",
  );
});

Deno.test("[0046] a forged copy that arrives before the signature block does not shut out the honest one", () => {
  const { p, src, x } = setup();
  const { data, auth } = new Feed().batch(12, 0);
  x.send(p, 10, tampered(data[3]));
  src.send(p, 11, data[3]);
  src.send(p, 12, auth);
  assertEquals(blocks(drain(p, 12)).sort(), ["12>d", "3>d"]);
  assert(p.bans.has("x"), "the forger is found out when the signature arrives");
  assert(!p.bans.has("src"));
});

Deno.test({
  name: "[0046] a forged block found out by a later signature block is counted in stats.forged",
  fn: () => {
    const { p, src, x } = setup();
    const { data, auth } = new Feed().batch(12, 0);
    x.send(p, 10, tampered(data[3]));
    src.send(p, 12, auth);
    assert(p.bans.has("x"));
    assertEquals(p.stats.forged, 1);
  },
});

Deno.test("[0041] a signature block with a bad signature is dropped and releases nothing; its sender is banned", () => {
  const { p, src, x } = setup();
  const { data, auth } = new Feed().batch(12, 0);
  src.send(p, 10, data[3]);
  const fake = standinPair(43, 7).signer.seal(auth, auth.leaves); // another key
  x.send(p, 20, fake);
  connectFrom(p, 20, "y", 0, "up", [0, 2]);
  const changed = { ...auth, threshold: 5 }; // the header changed after signing
  new Upstream("y", 0).send(p, 20, changed);
  assertEquals(p.stats.forged, 2);
  assert(p.bans.has("x") && p.bans.has("y"));
  assertEquals(events(p).filter((e) => e.type === "ready"), []);
  assertEquals(blocks(drain(p, 20)), []);
  assertEquals(p.thresholdMs, p.cfg.defaultThresholdMs, "a forged header changes nothing");
  src.send(p, 30, auth);
  assertEquals(blocks(drain(p, 30)).sort(), ["12>d", "3>d"]);
});

Deno.test("[0049] a block that arrives twice goes to a downstream once", () => {
  const { p, src, x } = setup();
  const { data, auth } = new Feed().batch(12, 0);
  src.send(p, 10, auth);
  src.send(p, 10, data[3]);
  x.send(p, 11, auth);
  x.send(p, 11, data[3]);
  assertEquals(p.stats.duplicates, 2);
  assertEquals(blocks(drain(p, 11)).sort(), ["12>d", "3>d"]);
});

Deno.test({
  name: "[0049] a signature block goes to a given peer once, even over two in-club connections",
  fn: () => {
    const p = makePeer({ myClubs: [0, 1] });
    connectFrom(p, 0, "src", 0, "up", []);
    connectFrom(p, 0, "d", 0, "down", [0, 1]);
    connectFrom(p, 0, "d", 1, "down", [0, 1]);
    drain(p, 0);
    const { auth } = new Feed().batch(12, 0);
    new Upstream("src", 0).send(p, 10, auth);
    const sent = blocks(drain(p, 10));
    p.handleTimeout(10 + p.cfg.holdMs);
    sent.push(...blocks(drain(p, 10 + p.cfg.holdMs)));
    assertEquals(sent, ["12>d"]);
  },
});

Deno.test({
  name: "a banned forger's further blocks are not offered to the verifier",
  fn: () => {
    const { p, src, x } = setup();
    const { data, auth } = new Feed().batch(12, 0);
    src.send(p, 10, auth);
    x.send(p, 20, tampered(data[3]));
    assert(p.bans.has("x"));
    const checked = p.auth!.counters;
    const fake = standinPair(43, 7).signer.seal({ ...auth, seq: 25 }, auth.leaves);
    for (const club of [0, 1]) {
      p.handleMessage(30, "x", { t: "block", club, hop: 0, n: 0, repair: true, block: fake });
      p.handleMessage(30, "stranger", {
        t: "block",
        club,
        hop: 0,
        n: 0,
        repair: true,
        block: fake,
      });
    }
    assertEquals(p.auth!.counters, checked);
  },
});
