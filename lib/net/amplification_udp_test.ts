/**
 * Amplification on real sockets (issue 6): a peer relaying a live stream over real UDP on
 * loopback (source and peer each a core behind a NodeDriver and the Deno adapter) is sent
 * requests by 60 sockets on distinct loopback addresses that never echo its cookie: the
 * "spoofed" senders as the peer sees them. Every byte each socket gets back is counted
 * against the bytes it sent: at most 3x. (lib/peer/peer_amplification_test.ts measures the
 * same on the core with 400 addresses and every message type.)
 */
import * as ed from "@noble/ed25519";
import { channelTag } from "../auth/channel_tag.ts";
import { ed25519Signer, ed25519Suite } from "../auth/suite.ts";
import { PeerCore } from "../peer/peer.ts";
import { Rng } from "../rand.ts";
import { SourceNode } from "../source/source_node.ts";
import { assert } from "../testing.ts";
import { encodeDatagram } from "../wire/codec.ts";
import type { Msg } from "../wire/messages.ts";
import { pingPad } from "../wire/size.ts";
import { NodeDriver } from "./driver.ts";
import { openDenoUdp } from "./deno_udp.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sender that never answers: counts what it sends and what comes back. */
class Spoofer {
  sent = 0;
  back = 0;
  readonly #conn: Deno.DatagramConn;
  readonly #loop: Promise<void>;
  constructor(hostname: string) {
    const conn = Deno.listenDatagram({ transport: "udp", hostname, port: 0 });
    this.#conn = conn;
    this.#loop = (async () => {
      try {
        for await (const [data] of conn) this.back += data.length;
      } catch { /* closed */ }
    })();
  }
  send(to: Deno.NetAddr, bytes: Uint8Array): void {
    this.sent += bytes.length;
    this.#conn.send(bytes, to).catch(() => (this.sent -= bytes.length));
  }
  async close(): Promise<void> {
    this.#conn.close();
    await this.#loop;
  }
}

/** A request that gets an answer, or would without the bound: connects, pings, finds. */
function request(rng: Rng, clubs: readonly number[]): Msg {
  const club = rng.pick(clubs), nonce = rng.int(2 ** 53), cookie = rng.int(2 ** 53);
  switch (rng.int(5)) {
    case 0:
      return { t: "ping", nonce, pad: rng.chance(0.5) ? pingPad(nonce) : 0 };
    case 1:
      return { t: "find", club, nonce, cookie };
    case 2:
      return { t: "keepalive", club, lead: true, cookie, offers: false };
    default:
      return { t: "connect", club, dir: "down", clubs: [club], have: null, cookie };
  }
}

Deno.test({
  name: "real UDP: 60 addresses that never echo get at most 3x what they sent",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { secretKey, publicKey } = ed.keygen(new Uint8Array(32).fill(3));
    const tag = channelTag(publicKey), suite = ed25519Suite(publicKey), rng = new Rng(4);
    const srcT = await openDenoUdp({ hostname: "127.0.0.1" });
    const peerT = await openDenoUdp({ hostname: "127.0.0.1" });
    const source = new SourceNode(Date.now(), {
      self: srcT.local,
      clubs: 2,
      rng: rng.fork(),
      signer: ed25519Signer(secretKey),
      suite,
      align: 188,
      thresholdMs: 800,
    });
    const peer = new PeerCore(Date.now(), {
      self: peerT.local,
      role: "peer",
      clubs: 2,
      myClubs: [0, 1],
      suite,
      rng: rng.fork(),
      source: srcT.local,
    });
    const drivers = [new NodeDriver(source, srcT, { tag }), new NodeDriver(peer, peerT, { tag })];
    source.addPeers([{ addr: peerT.local, clubs: [0, 1] }]);
    for (const d of drivers) d.start();
    const spoofers = Array.from({ length: 60 }, (_, i) => new Spoofer(`127.0.0.${10 + i}`));
    const [hostname, port] = [peerT.local.split(":")[0], Number(peerT.local.split(":")[1])];
    const to = { transport: "udp" as const, hostname, port };
    // 1 Mbit/s of stream for 4 s; the spoofers start once the peer holds a second of it.
    const until = Date.now() + 4000;
    for (let k = 0; Date.now() < until; k++) {
      source.input(drivers[0].now(), new Uint8Array(188 * 7).fill(k & 0xff));
      drivers[0].poke();
      if (Date.now() > until - 2500) {
        for (const s of spoofers) {
          if (rng.chance(0.3)) s.send(to, encodeDatagram(tag, request(rng, [0, 1])));
        }
      }
      await sleep(10);
    }
    await sleep(1500); // what the peer queued for them, or would send after an echo
    for (const d of drivers) d.stop();
    await Promise.all([srcT.close(), peerT.close(), ...spoofers.map((s) => s.close())]);
    let worst = 0, sent = 0, back = 0, answered = 0;
    for (const s of spoofers) {
      worst = Math.max(worst, s.back / s.sent);
      sent += s.sent;
      back += s.back;
      if (s.back > 0) answered++;
    }
    console.log(
      `  worst ratio ${worst.toFixed(2)}; ${back} bytes back for ${sent} sent; ` +
        `${answered} of 60 answered; the peer held ${peer.store.size} blocks`,
    );
    assert(peer.store.size > 50, "the peer had a stream to give away");
    assert(answered > 30, "the peer answered (accepts, pongs, peers)");
    assert(worst <= 3, `an address got ${worst.toFixed(2)}x what it sent`);
  },
});
