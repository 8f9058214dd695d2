/**
 * Address validation in the peer core (docs/protocol.md, "Address validation"): the cookie
 * a pong hands out and a connect echoes, the accept's cookie and the keep-alive's echo, the
 * ping nonce, and what a request from an address not yet validated may and may not do.
 */
import { assert, assertEquals } from "../testing.ts";
import type { Addr, Bitfield, Dir } from "../wire/messages.ts";
import { pingPad } from "../wire/size.ts";
import type { PeerCore } from "./peer.ts";
import { connectFrom, deliver, drain, Feed, makePeer, type Out, Upstream } from "./test_harness.ts";

function blocksTo(out: readonly Out[], to: Addr): number[] {
  return out.flatMap((o) => o.to === to && o.msg.t === "block" ? [o.msg.block.seq] : []);
}

/** A connect from `from` carrying `cookie` (0: it never had a pong from `p`). */
function connect(p: PeerCore, t: number, from: Addr, club: number, dir: Dir, cookie: number) {
  const have: Bitfield | null = null;
  p.handleMessage(t, from, { t: "connect", club, dir, clubs: [club, 2], have, cookie });
}

/** A peer in clubs 0 and 1 (of 3) holding club 0's first batch, from the source. */
function holder(): { p: PeerCore; src: Upstream } {
  const p = makePeer({ myClubs: [0, 1] });
  connectFrom(p, 0, "src", 0, "up", []);
  const src = new Upstream("src", 0);
  const { data, auth } = new Feed().batch(12, 0);
  deliver(p, 10, [...data, auth], [src]);
  drain(p, 10);
  return { p, src };
}

Deno.test("a pong hands out the cookie; a connect echoing it is served at once", () => {
  const { p } = holder();
  p.handleMessage(20, "d", { t: "ping", nonce: 5, pad: pingPad(5) });
  const [pong] = drain(p, 20);
  assert(pong.msg.t === "pong" && pong.msg.cookie === p.guard.cookie("d"));
  connect(p, 30, "d", 0, "down", pong.msg.cookie);
  const out = drain(p, 30);
  assertEquals(out[0].msg, { t: "accept", club: 0, dir: "down", cookie: pong.msg.cookie });
  assertEquals(blocksTo(out, "d").sort((a, b) => a - b), [0, 3, 6, 9, 12], "history at once");
  assert(p.guard.isValid("d"));
});

Deno.test("without the cookie: only the accept goes out, until a keep-alive echoes it", () => {
  const { p, src } = holder();
  connect(p, 30, "d", 0, "down", 0);
  const out = drain(p, 30);
  assertEquals(out.map((o) => o.msg.t), ["accept"]);
  const cookie = p.guard.cookie("d");
  assertEquals(out[0].msg, { t: "accept", club: 0, dir: "down", cookie });
  // Live blocks meanwhile are not relayed to it, nor do they count against the 3x.
  src.send(p, 40, { kind: "data", seq: 15, srcTime: 40, payload: new Uint8Array([1]) });
  assertEquals(blocksTo(drain(p, 40), "d"), []);
  p.handleMessage(50, "d", {
    t: "keepalive",
    club: 0,
    lead: true,
    cookie: cookie + 1,
    offers: false,
  });
  assertEquals(blocksTo(drain(p, 50), "d"), [], "a wrong echo proves nothing");
  p.handleMessage(60, "d", { t: "keepalive", club: 0, lead: true, cookie, offers: false });
  assert(p.guard.isValid("d"));
  assertEquals(blocksTo(drain(p, 60), "d").length, 5, "the history waited for the echo");
});

Deno.test("the downstream echoes an accept's new cookie at once, and in every keep-alive", () => {
  const p = makePeer({ myClubs: [0, 1], config: { keepaliveMs: 100 } });
  p.addPeers([{ addr: "u", clubs: [2, 0] }]);
  // The peer asks u for club 2 after a pong that carried no cookie (nothing to echo).
  let sent: Out | undefined;
  for (let t = 0; t < 3000 && !sent; t += 50) {
    p.handleTimeout(t);
    for (const o of drain(p, t)) {
      if (o.msg.t === "connect") sent = o;
      if (o.msg.t !== "ping") continue;
      const base = { up: 0, upIn: 0, down: 0, downIn: 0, full: false, cookie: 0 };
      p.handleMessage(t + 1, "u", {
        ...base,
        t: "pong",
        nonce: o.msg.nonce,
        you: "me",
        clubs: [2],
      });
    }
  }
  assert(sent?.msg.t === "connect" && sent.msg.club === 2 && sent.msg.cookie === 0);
  p.handleMessage(3010, "u", { t: "accept", club: 2, dir: "down", cookie: 77 });
  assertEquals(drain(p, 3010).map((o) => o.msg), [
    { t: "keepalive", club: 2, lead: false, cookie: 77, offers: false },
  ]);
  p.handleTimeout(3200);
  const ka = drain(p, 3200).filter((o) => o.to === "u" && o.msg.t === "keepalive");
  assertEquals(ka.map((o) => o.msg.t === "keepalive" && o.msg.cookie), [77]);
});

Deno.test("our connect echoes the cookie of the remote's pong, and the pong proves its address", () => {
  const p = makePeer({ myClubs: [0, 1] });
  p.addPeers([{ addr: "u", clubs: [2, 0] }]);
  let connectMsg: Out | undefined;
  for (let t = 0; t < 3000 && !connectMsg; t += 50) {
    p.handleTimeout(t);
    for (const o of drain(p, t)) {
      if (o.msg.t === "connect") connectMsg = o;
      if (o.msg.t !== "ping") continue;
      assertEquals(o.msg.pad, pingPad(o.msg.nonce));
      assert(!p.guard.isValid("u"));
      const base = { up: 0, upIn: 0, down: 0, downIn: 0, full: false, cookie: 4242 };
      p.handleMessage(t + 1, "u", {
        ...base,
        t: "pong",
        nonce: o.msg.nonce,
        you: "me",
        clubs: [2],
      });
      assert(p.guard.isValid("u"), "the pong echoed our nonce");
    }
  }
  assert(connectMsg?.msg.t === "connect" && connectMsg.msg.cookie === 4242);
});

Deno.test("a pong with a nonce we never sent proves nothing", () => {
  const p = makePeer({ myClubs: [0, 1] });
  const base = { up: 0, upIn: 0, down: 0, downIn: 0, full: false, cookie: 1 };
  for (let nonce = 0; nonce < 100; nonce++) {
    p.handleMessage(1, "u", { ...base, t: "pong", nonce, you: "me", clubs: [2] });
  }
  assert(!p.guard.isValid("u"));
});

Deno.test("an offer without our cookie is refused and displaces no upstream", () => {
  const p = makePeer({ myClubs: [0, 1] });
  for (const a of ["a", "b", "c"]) connectFrom(p, 0, a, 0, "up", [0, 2]);
  drain(p, 0);
  for (let i = 0; i < 50; i++) connect(p, 10, `spoof${i}`, i % 2 === 0 ? 0 : 2, "up", 0);
  const out = drain(p, 10);
  assert(!out.some((o) => o.msg.t === "accept"), "nothing accepted");
  assertEquals([...p.downs.keys()].sort(), ["0|a", "0|b", "0|c"]);
});

Deno.test("requests without our cookie displace nobody, wait at most maxUnproven, lapse unbanned", () => {
  const { p } = holder();
  for (const a of ["a", "b", "c"]) connectFrom(p, 20, a, 0, "down", [0, 2]);
  drain(p, 20);
  const spoofs = Array.from({ length: 100 }, (_, i) => `spoof${i}`);
  for (const s of spoofs) connect(p, 30, s, 0, "down", 0);
  drain(p, 30);
  const ups = [...p.ups.values()];
  assertEquals(ups.filter((u) => u.accepted).map((u) => u.remote).sort(), ["a", "b", "c"]);
  assertEquals(ups.filter((u) => !u.accepted).length, p.cfg.maxUnproven);
  assertEquals(p.stats.dropped.unproven, spoofs.length - p.cfg.maxUnproven);
  p.handleTimeout(30 + p.cfg.connectTimeoutMs + 100);
  assertEquals([...p.ups.values()].map((u) => u.remote).sort(), ["a", "b", "c"]);
  assert(spoofs.every((s) => !p.bans.has(s)), "a spoofable address is not banned");
  // One that does echo the cookie in time opens, and displaces a surplus in-club upload.
  connect(p, 2000, "late", 0, "down", 0);
  p.handleMessage(2010, "late", {
    t: "keepalive",
    club: 0,
    lead: true,
    cookie: p.guard.cookie("late"),
    offers: false,
  });
  assert(p.ups.get("0|late")?.accepted);
  assertEquals([...p.ups.values()].filter((u) => u.inClub).length, p.cfg.inClubMax);
});

Deno.test("what an unvalidated address is answered stays within 3x of what it sent", () => {
  const { p } = holder();
  for (const a of ["m1", "m2", "m3", "m4", "m5"]) p.directory.learn(a, [0]);
  // An unpadded ping is too short for a pong: it is not answered.
  p.handleMessage(20, "x", { t: "ping", nonce: 5, pad: 0 });
  assertEquals(drain(p, 20), []);
  // A find is answered with as many members as fit.
  p.handleMessage(30, "y", { t: "find", club: 0, nonce: 5, cookie: 0 });
  const [ans] = drain(p, 30);
  assert(ans.msg.t === "peers" && ans.msg.peers.length < 5);
  assert(p.guard.room("y") >= 0);
  // The same find from a validated address gets them all.
  p.guard.validate("z");
  p.handleMessage(40, "z", { t: "find", club: 0, nonce: 5, cookie: 0 });
  const [full] = drain(p, 40);
  assert(full.msg.t === "peers" && full.msg.peers.length === 6, "5 members and itself");
});

Deno.test("a connection's note that its remote is validated lapses when the guard forgets it", () => {
  // "src" offers club 0 with our cookie: validated, and its blocks are counted by nobody.
  const { p, src } = holder();
  const { data } = new Feed().batch(24, 20);
  src.send(p, 20, data[12]);
  assertEquals(p.guard.room("src"), Infinity);
  // 4,096 addresses proven after it: the guard forgets "src", the oldest.
  for (let i = 0; i < 4096; i++) p.guard.validate(`other${i}`);
  assertEquals(p.guard.isValid("src"), false);
  assertEquals(p.guard.room("src"), 0);
  // Its next block is counted again, whatever its download remembered.
  src.send(p, 30, data[13]);
  assert(p.guard.room("src") > 0, "the block's bytes were counted");
});
