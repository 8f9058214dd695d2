import type { PeerEvent } from "../peer/events.ts";
import type { ProtocolNode } from "../peer/node.ts";
import { assert, assertEquals } from "../testing.ts";
import { decodeDatagram, encodeDatagram } from "../wire/codec.ts";
import type { Addr, Msg } from "../wire/messages.ts";
import { waitFor } from "./conformance.ts";
import { NodeDriver } from "./driver.ts";
import { MemoryNetwork } from "./memory.ts";
import { newStats, type Transport } from "./transport.ts";
import { sharedGrid } from "./wake_grid.ts";

const TAG = 0x01020304;

/** A node that answers every ping with a pong, logs what it saw, and wakes every 20 ms. */
class EchoNode implements ProtocolNode {
  seen: { from: Addr; msg: Msg }[] = [];
  timeouts: number[] = [];
  out: { to: Addr; msg: Msg }[] = [];
  events: PeerEvent[] = [];
  wakeAt = 0;
  handleMessage(now: number, from: Addr, msg: Msg): void {
    this.seen.push({ from, msg });
    if (msg.t === "ping") {
      const pong: Msg = {
        t: "pong",
        nonce: msg.nonce,
        you: from,
        clubs: [],
        up: 0,
        upIn: 0,
        down: 0,
        downIn: 0,
        full: false,
        cookie: 0,
      };
      this.out.push({ to: from, msg: pong });
      this.events.push({ type: "withdraw", at: now });
    }
  }
  handleTimeout(now: number): void {
    this.timeouts.push(now);
    this.wakeAt = now + 20;
  }
  pollTransmit(): { to: Addr; msg: Msg } | undefined {
    return this.out.shift();
  }
  pollTimeout(): number {
    return this.wakeAt;
  }
  pollEvent(): PeerEvent | undefined {
    return this.events.shift();
  }
  hasPending(): boolean {
    return this.out.length > 0;
  }
}

async function setup(errors: unknown[] = []) {
  const net = new MemoryNetwork();
  const node = new EchoNode();
  const events: PeerEvent[] = [];
  const driver = new NodeDriver(node, await net.open(), {
    tag: TAG,
    onEvent: (e) => events.push(e),
    onError: (e) => errors.push(e),
  });
  const probe = await net.open();
  const replies: Uint8Array[] = [];
  probe.onReceive((_f, b) => replies.push(b));
  driver.start();
  return { node, driver, probe, replies, events };
}

Deno.test("driver: decodes, hands the node the sender, sends its answers, passes events", async () => {
  const { node, driver, probe, replies, events } = await setup();
  probe.send(driver.transport.local, encodeDatagram(TAG, { t: "ping", nonce: 9, pad: 0 }));
  await waitFor(() => replies.length === 1);
  assertEquals(node.seen, [{ from: probe.local, msg: { t: "ping", nonce: 9, pad: 0 } }]);
  const r = decodeDatagram(replies[0]);
  assert(r.ok && r.tag === TAG && r.msg.t === "pong" && r.msg.nonce === 9);
  assertEquals(events.map((e) => e.type), ["withdraw"]);
  assertEquals(driver.stats.sent, 1);
  driver.stop();
  await driver.transport.close();
  await probe.close();
});

Deno.test("driver: on a transport that copies on send, every datagram is encoded in one buffer", async () => {
  const net = new MemoryNetwork();
  const inner = await net.open();
  const buffers = new Set<ArrayBufferLike>();
  const copying: Transport = {
    local: inner.local,
    stats: inner.stats,
    copiesOnSend: true,
    send: (to, bytes) => {
      buffers.add(bytes.buffer);
      inner.send(to, bytes.slice()); // done with `bytes` before returning, as it says
    },
    onReceive: (h) => inner.onReceive(h),
    close: () => inner.close(),
  };
  const node = new EchoNode();
  const driver = new NodeDriver(node, copying, { tag: TAG });
  const probe = await net.open();
  const replies: Uint8Array[] = [];
  probe.onReceive((_f, b) => replies.push(b));
  driver.start();
  for (const nonce of [1, 2, 3]) {
    probe.send(copying.local, encodeDatagram(TAG, { t: "ping", nonce, pad: 0 }));
  }
  await waitFor(() => replies.length === 3);
  const nonces = replies.map((b) => decodeDatagram(b)).map((r) =>
    r.ok && r.msg.t === "pong" && r.msg.nonce
  );
  assertEquals(nonces, [1, 2, 3]);
  assertEquals(buffers.size, 1);
  driver.stop();
  await copying.close();
  await probe.close();
});

Deno.test("driver: the transport's own drops are told to the node before the datagrams after them", () => {
  let handler: (from: Addr, bytes: Uint8Array) => void = () => {};
  const stats = newStats();
  stats.receiveOverflow = 7; // before the driver started: not the node's business
  const transport: Transport = {
    local: "127.0.0.1:1",
    stats,
    send: () => {},
    onReceive: (h) => void (handler = h),
    close: () => Promise.resolve(),
  };
  const log: string[] = [];
  const node = new (class extends EchoNode {
    noteReceiveOverflow(_now: number, count: number): void {
      log.push(`overflow ${count}`);
    }
    override handleMessage(now: number, from: Addr, msg: Msg): void {
      log.push(`${msg.t} ${msg.t === "ping" ? msg.nonce : ""}`);
      super.handleMessage(now, from, msg);
    }
  })();
  const driver = new NodeDriver(node, transport, { tag: TAG, clock: () => 0 });
  driver.start();
  const ping = (nonce: number) => encodeDatagram(TAG, { t: "ping", nonce, pad: 0 });
  handler("127.0.0.1:2", ping(1));
  stats.receiveOverflow += 3;
  handler("127.0.0.1:2", ping(2));
  handler("127.0.0.1:2", ping(3));
  assertEquals(log, ["ping 1", "overflow 3", "ping 2", "ping 3"]);
  driver.stop();
});

Deno.test("driver: malformed datagrams and other channels are counted and dropped", async () => {
  const { node, driver, probe } = await setup();
  const junk = [new Uint8Array([0xff, 0x00]), new Uint8Array(0), new Uint8Array(1300)];
  for (const j of junk) probe.send(driver.transport.local, j);
  probe.send(driver.transport.local, encodeDatagram(TAG + 1, { t: "ping", nonce: 1, pad: 0 }));
  probe.send(driver.transport.local, encodeDatagram(TAG, { t: "ping", nonce: 2, pad: 0 }));
  await waitFor(() => node.seen.length === 1);
  assertEquals(driver.stats.malformed, 3);
  assertEquals(driver.stats.otherChannel, 1);
  assertEquals(driver.stats.delivered, 1);
  driver.stop();
  await driver.transport.close();
  await probe.close();
});

Deno.test("driver: one timer, re-armed from pollTimeout", async () => {
  const { node, driver, probe } = await setup();
  await waitFor(() => node.timeouts.length >= 4, 2000, "four wake-ups");
  const gaps = node.timeouts.slice(1).map((t, i) => t - node.timeouts[i]);
  for (const g of gaps) assert(g >= 19, `woke ${g} ms after the last wake-up, asked for 20`);
  driver.stop();
  const n = node.timeouts.length;
  await new Promise((r) => setTimeout(r, 60));
  assertEquals(node.timeouts.length, n, "no wake-up after stop()");
  await driver.transport.close();
  await probe.close();
});

Deno.test("driver: a node that throws is counted, and the driver carries on", async () => {
  const errors: unknown[] = [];
  const { node, driver, probe } = await setup(errors);
  const orig = node.handleMessage.bind(node);
  let first = true;
  node.handleMessage = (now, from, msg) => {
    if (first) {
      first = false;
      throw new Error("bug");
    }
    orig(now, from, msg);
  };
  probe.send(driver.transport.local, encodeDatagram(TAG, { t: "ping", nonce: 1, pad: 0 }));
  probe.send(driver.transport.local, encodeDatagram(TAG, { t: "ping", nonce: 2, pad: 0 }));
  await waitFor(() => node.seen.length === 1);
  assertEquals(driver.stats.nodeErrors, 1);
  assertEquals(errors.map((e) => (e as Error).message), ["bug"]);
  driver.stop();
  await driver.transport.close();
  await probe.close();
});

Deno.test("driver: an upload cap spreads a backlog out, and sends it all", async () => {
  const net = new MemoryNetwork();
  const node = new EchoNode();
  const probe = await net.open();
  const got: number[] = [];
  probe.onReceive(() => got.push(performance.now()));
  const block = (seq: number): Msg => ({
    t: "block",
    club: 0,
    hop: 0,
    n: seq,
    repair: false,
    block: { kind: "data", seq, srcTime: 0, payload: new Uint8Array(1128) },
  });
  for (let i = 0; i < 100; i++) node.out.push({ to: probe.local, msg: block(i) });
  const size = encodeDatagram(TAG, block(99)).length + 28;
  // 800 kbit/s is 100 bytes/ms; what the burst allowance (12 full datagrams) does not cover
  // has to wait for tokens.
  const driver = new NodeDriver(node, await net.open(), { tag: TAG, maxBps: 800_000 });
  const t0 = performance.now();
  driver.start();
  await waitFor(() => got.length === 100, 5000, "the whole backlog");
  const minMs = (100 * size - 12 * 1228) / 100;
  assert(got[99] - t0 >= minMs - 15, `backlog sent in ${got[99] - t0} ms, the cap allows ${minMs}`);
  assert(got[11] - t0 < minMs / 2, "the burst allowance went out at once");
  driver.stop();
  await driver.transport.close();
  await probe.close();
});

Deno.test("driver: a gate holds a message and its sender's later ones, in order; others pass", async () => {
  const net = new MemoryNetwork();
  const node = new EchoNode();
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  const driver = new NodeDriver(node, await net.open(), {
    tag: TAG,
    gate: (msg) => (msg.t === "ping" && msg.nonce === 1 ? held : undefined),
  });
  const probe = await net.open();
  const other = await net.open();
  driver.start();
  probe.send(driver.transport.local, encodeDatagram(TAG, { t: "ping", nonce: 1, pad: 0 }));
  probe.send(driver.transport.local, encodeDatagram(TAG, { t: "ping", nonce: 2, pad: 0 }));
  other.send(driver.transport.local, encodeDatagram(TAG, { t: "ping", nonce: 3, pad: 0 }));
  await waitFor(() => node.seen.length === 1);
  await new Promise((r) => setTimeout(r, 20));
  const nonces = () => node.seen.map((s) => s.msg.t === "ping" && s.msg.nonce);
  assertEquals(nonces(), [3]);
  release();
  await waitFor(() => node.seen.length === 3);
  assertEquals(nonces(), [3, 1, 2]);
  driver.stop();
  await driver.transport.close();
  await probe.close();
  await other.close();
});

Deno.test("driver: on a transport that batches, the timer fires on the transport's grid", async () => {
  const net = new MemoryNetwork();
  const node = new EchoNode();
  // The memory transport, saying it drains every 30 ms.
  const transport = Object.assign(await net.open(), { batchMs: 30 });
  const driver = new NodeDriver(node, transport, { tag: TAG });
  driver.start();
  await waitFor(() => node.timeouts.length >= 4, 2000, "four timeouts");
  driver.stop();
  // Asked for 20 ms after each run, it ran no earlier than the grid point after that (the
  // process's grid of 30 ms, at its phase).
  const t = node.timeouts, grid = sharedGrid(30);
  for (let i = 1; i < t.length; i++) assert(t[i] >= grid.ceil(t[i - 1] + 20), `${t}`);
  assertEquals(driver.stats.wakeups, node.timeouts.length - 1);
  await transport.close();
});
