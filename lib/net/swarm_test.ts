/**
 * The real core on real timers: a SourceNode and four PeerCores, each bound to a transport
 * by a NodeDriver, over the in-memory network (and, in the second test, with 2% loss on
 * every link). Every peer must write the source's packets intact and in order.
 */
import { concatBytes } from "../bytes.ts";
import * as ed from "@noble/ed25519";
import { ed25519Signer, ed25519Suite } from "../auth/suite.ts";
import { channelTag } from "../auth/channel_tag.ts";
import { ClubDeck } from "../club/deck.ts";
import { PeerCore } from "../peer/peer.ts";
import { Rng } from "../rand.ts";
import { SourceNode } from "../source/source_node.ts";
import { assert, assertEquals } from "../testing.ts";
import { NodeDriver } from "./driver.ts";
import { impair } from "./impair.ts";
import { MemoryNetwork } from "./memory.ts";
import type { Transport } from "./transport.ts";

const CLUBS = 4;

/** `n` 188-byte packets numbered from `first`, each unique. */
function packets(first: number, n: number): Uint8Array {
  const out = new Uint8Array(188 * n);
  for (let i = 0; i < n; i++) {
    const p = out.subarray(188 * i, 188 * (i + 1));
    p[0] = 0x47;
    new DataView(p.buffer, p.byteOffset).setUint32(4, first + i);
    p.fill((first + i) & 0xff, 8);
  }
  return out;
}

async function runSwarm(loss: number, seed: number) {
  const net = new MemoryNetwork();
  const rng = new Rng(seed);
  const open = async (): Promise<Transport> => {
    const t = await net.open();
    return loss > 0 ? impair(t, { loss }, rng.fork()) : t;
  };
  const { secretKey, publicKey } = ed.keygen();
  const tag = channelTag(publicKey);
  const suite = ed25519Suite(publicKey);
  const drivers: NodeDriver[] = [];
  const srcT = await open();
  const now0 = Date.now();
  const source = new SourceNode(now0, {
    self: srcT.local,
    clubs: CLUBS,
    rng: rng.fork(),
    signer: ed25519Signer(secretKey),
    suite,
    align: 188,
    thresholdMs: 800,
  });
  const srcDriver = new NodeDriver(source, srcT, { tag });
  drivers.push(srcDriver);
  srcDriver.start();

  const deck = new ClubDeck(CLUBS, rng.fork());
  const outputs: Uint8Array[][] = [];
  const skips: number[] = [];
  const peers: { addr: string; clubs: number[] }[] = [];
  const cores: PeerCore[] = [];
  for (let i = 0; i < 4; i++) {
    const t = await open();
    const clubs = deck.deal();
    const core = new PeerCore(Date.now(), {
      self: t.local,
      role: "peer",
      clubs: CLUBS,
      myClubs: clubs,
      suite,
      rng: rng.fork(),
      source: srcT.local,
    });
    const out: Uint8Array[] = [];
    outputs.push(out);
    skips.push(0);
    const d = new NodeDriver(core, t, {
      tag,
      onEvent: (e) => {
        if (e.type !== "playback") return;
        if (e.event.type === "play") out.push(e.event.payload);
        if (e.event.type === "skip") skips[i]++;
      },
    });
    peers.push({ addr: t.local, clubs });
    cores.push(core);
    drivers.push(d);
  }
  // What the tracker would have said: everyone knows everyone.
  source.addPeers(peers);
  for (const [i, c] of cores.entries()) {
    c.addPeers(peers.filter((_, j) => j !== i));
    drivers[i + 1].start();
  }

  // 2 Mbit/s of numbered TS packets for 5 s, in 14-packet chunks every ~10.5 ms.
  const input: Uint8Array[] = [];
  let next = 0;
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    const chunk = packets(next, 14);
    next += 14;
    input.push(chunk);
    source.input(srcDriver.now(), chunk);
    srcDriver.poke();
    await new Promise((r) => setTimeout(r, 10.5));
  }
  await new Promise((r) => setTimeout(r, 3500)); // let playback catch up to the input
  for (const d of drivers) {
    d.stop();
    await d.transport.close();
  }
  return { input: concatBytes(input), outputs: outputs.map((o) => concatBytes(o)), skips, drivers };
}

/**
 * Every peer's output must be whole input packets, in input order, each intact, with at most
 * a `maxMissing` share of them missing after the first. (Whether none go missing is the
 * core's business and the e2e test's strict mode; here the count is printed, and bounded
 * so that a broken driver fails.)
 */
function checkOutputs(r: Awaited<ReturnType<typeof runSwarm>>, maxMissing: number): void {
  const total = r.input.length / 188;
  for (const [i, out] of r.outputs.entries()) {
    assertEquals(out.length % 188, 0, `peer ${i}: output is not whole TS packets`);
    const n = out.length / 188;
    assert(n >= total / 2, `peer ${i} played only ${n} of ${total} packets`);
    const view = new DataView(out.buffer, out.byteOffset);
    let prev = -1, missing = 0;
    for (let k = 0; k < n; k++) {
      const idx = view.getUint32(188 * k + 4);
      assert(idx > prev && idx < total, `peer ${i}: packet ${idx} out of order after ${prev}`);
      if (prev >= 0) missing += idx - prev - 1;
      prev = idx;
      const want = r.input.subarray(188 * idx, 188 * idx + 188);
      const got = out.subarray(188 * k, 188 * k + 188);
      assert(got.every((b, x) => b === want[x]), `peer ${i}: packet ${idx} corrupted`);
    }
    console.log(`peer ${i}: ${n} packets played, ${missing} missing, ${r.skips[i]} skips`);
    assert(missing <= maxMissing * n, `peer ${i}: ${missing} packets missing of ${n}`);
  }
}

Deno.test("swarm over memory: every peer plays the source's packets, intact and in order", async () => {
  const r = await runSwarm(0, 1);
  checkOutputs(r, 0.2);
  for (const d of r.drivers) assertEquals(d.stats.nodeErrors + d.stats.malformed, 0);
});

Deno.test("swarm over memory with 2% loss on every link: packets intact and in order", async () => {
  // Real timers on a shared machine: under a parallel test run the event loops lag and more
  // blocks miss their deadline (13% seen, 0-3.4% alone). The bound catches a broken driver,
  // which loses far more; the core's own loss figures come from the simulator.
  checkOutputs(await runSwarm(0.02, 2), 0.3);
});
