/**
 * The fuzzer's target: a real PeerCore (the peer program's configuration, the real ed25519
 * verifier) behind a real NodeDriver, brought into a busy steady state by a fixed script:
 * two seconds of a signed stream arriving from the source and three upstreams, two
 * downstreams fetching from it, a directory of known peers. The script is made once; every
 * `buildWorld` replays it into a fresh core, so a peer whose state a datagram changed can be
 * replaced by an identical one.
 *
 * The script is delivered with `handleMessage` (each message decoded once from its datagram,
 * so that the rebuilt peers meet the very same auth block objects and their signature
 * verdicts can be remembered, as the peer program's native check does); fuzzed datagrams go
 * through the driver's receive path as bytes.
 */
import * as ed from "@noble/ed25519";
import { wireCounter } from "../../lib/peer/conn_counter.ts";
import { channelTag } from "../../lib/auth/channel_tag.ts";
import { type CheckedAuths, ed25519Signer, ed25519Suite } from "../../lib/auth/suite.ts";
import { NodeDriver } from "../../lib/net/driver.ts";
import { PROGRAM_CONFIG } from "../../lib/peer/config.ts";
import { PeerCore } from "../../lib/peer/peer.ts";
import type { PeerEvent } from "../../lib/peer/events.ts";
import { Rng } from "../../lib/rand.ts";
import { BLOCK_PAYLOAD } from "../../lib/wire/budget.ts";
import { decodeDatagram, encodeDatagram } from "../../lib/wire/codec.ts";
import type { Addr, Block, DataBlock, Msg } from "../../lib/wire/messages.ts";
import { CaptureTransport } from "./capture.ts";

/** Clubs of the swarm, and the target's. */
export const CLUBS = 4;
export const MY_CLUBS = [0, 1];
/** The target's own address. */
export const SELF = "192.0.2.10:5000";
/** The source, and peers with a connection to the target (upstreams U*, downstreams D*). */
export const SRC = "192.0.2.1:7000";
const U1 = "192.0.2.2:7000", U2 = "192.0.2.3:7000", U3 = "192.0.2.4:7000";
const U4 = "192.0.2.5:7000", D1 = "192.0.2.6:7000", D2 = "192.0.2.7:7000";
/** Every address the target has a connection with after the script. */
export const CONNECTED: readonly Addr[] = [SRC, U1, U2, U3, U4, D1, D2];
const KNOWN = [
  { addr: U1, clubs: [0, 2] },
  { addr: U2, clubs: [1, 3] },
  { addr: U3, clubs: [2, 3] },
  { addr: U4, clubs: [3, 0] },
  { addr: D1, clubs: [0, 3] },
  { addr: D2, clubs: [1, 2] },
  { addr: "192.0.2.20:7000", clubs: [0, 1] },
  { addr: "192.0.2.21:7000", clubs: [2, 0] },
  { addr: "192.0.2.22:7000", clubs: [1, 2] },
  { addr: "192.0.2.23:7000", clubs: [3, 1] },
];
/** Every address of the scenario: their bans are watched one by one. */
export const WATCHED: readonly Addr[] = [SELF, SRC, ...KNOWN.map((k) => k.addr)];
/** Who sends each club's blocks to the target. */
const UPLINK: readonly Addr[] = [SRC, U2, U3, U4];
const T0 = 1_000_000;
const BATCHES = 12, PER_BATCH = 15, BLOCK_MS = 10;

/** One step of the script. */
type Step =
  | { readonly at: number; readonly from: Addr; readonly msg: Msg }
  | { readonly at: number; readonly tick: true };

/** What every build shares: the channel, the genuine blocks, the script, the corpus. */
export interface Scenario {
  readonly tag: number;
  readonly publicKey: Uint8Array;
  /** Every genuine block, by seq. */
  readonly genuine: ReadonlyMap<number, Block>;
  readonly steps: readonly Step[];
  /** Valid, validly signed datagrams: the script's, and what the target sent during it. */
  readonly corpus: readonly Uint8Array[];
  readonly checked: CheckedAuths;
  /** The clock when the script ends; the fuzzer's clock stands still there. */
  readonly end: number;
}

/** A target built from the scenario. */
export interface World {
  readonly core: PeerCore;
  readonly driver: NodeDriver;
  readonly transport: CaptureTransport;
  /** Events the driver handed out since the counter was last reset. */
  events: PeerEvent[];
  now: number;
}

function payload(seq: number): Uint8Array {
  const p = new Uint8Array(BLOCK_PAYLOAD);
  for (let i = 0; i < p.length; i += 188) p.set([0x47, seq & 0x1f, seq >> 5 & 0xff, 0x10], i);
  return p;
}

/** Makes the scenario: keys, a signed stream, the script and the corpus (deterministic). */
export function makeScenario(seed = 1): Scenario {
  const { secretKey, publicKey } = ed.keygen(new Uint8Array(32).fill(seed & 0xff));
  const tag = channelTag(publicKey);
  const suite = ed25519Suite(publicKey, tag);
  const signer = ed25519Signer(secretKey, tag);
  const genuine = new Map<number, Block>();
  const raw: Step[] = [];
  const counters = new Map<string, number>();
  // The target's cookies: its peers got them in its pongs and echo them (docs/protocol.md).
  // An upstream's counter goes on the wire offset by its connection's secret, that cookie.
  const { guard } = targetCore(publicKey, tag, new WeakMap(), seed);
  const block = (at: number, from: Addr, club: number, b: Block) => {
    const k = `${from}|${club}`;
    const count = (counters.get(k) ?? 0) + 1;
    counters.set(k, count);
    const hop = at % 2 ** 32, n = wireCounter(guard.cookie(from), count);
    raw.push({ at, from, msg: { t: "block", club, hop, n, repair: false, block: b } });
  };
  const connect = (from: Addr, club: number, dir: "up" | "down", clubs: number[]) => {
    const cookie = guard.cookie(from);
    raw.push({ at: T0, from, msg: { t: "connect", club, dir, clubs, have: null, cookie } });
  };
  for (const c of [0, 1]) connect(SRC, c, "up", []);
  connect(U1, 0, "up", [0, 2]);
  connect(U2, 1, "up", [1, 3]);
  connect(U3, 2, "up", [2, 3]);
  connect(U4, 3, "up", [3, 0]);
  connect(D1, 0, "down", [0, 3]);
  connect(D2, 1, "down", [1, 2]);
  let seq = 0;
  for (let b = 0; b < BATCHES; b++) {
    const data: DataBlock[] = [];
    for (let i = 0; i < PER_BATCH; i++, seq++) {
      const d = { kind: "data", seq, srcTime: T0 + seq * BLOCK_MS, payload: payload(seq) } as const;
      data.push(d);
      genuine.set(seq, d);
      block(T0 + 20 + seq * BLOCK_MS, UPLINK[seq % CLUBS], seq % CLUBS, d);
    }
    const header = { seq, srcTime: T0 + seq * BLOCK_MS, count: PER_BATCH, bitrate: 900_000 };
    const auth = signer.seal({ ...header, threshold: 800 }, data.map((d) => suite.leaf(d)));
    genuine.set(seq, auth);
    // A signature block travels its own club's connection, or an in-club one of the target.
    const club = MY_CLUBS.includes(seq % CLUBS) ? seq % CLUBS : 0;
    block(T0 + 20 + seq * BLOCK_MS, UPLINK[club], club, auth);
    seq++;
  }
  const end = T0 + 20 + (seq - 1) * BLOCK_MS;
  for (let at = T0; at <= end; at += 300) {
    const cookie = (d: Addr) => guard.cookie(d);
    raw.push({
      at,
      from: D1,
      msg: { t: "keepalive", club: 0, lead: true, cookie: cookie(D1), offers: false },
    });
    raw.push({
      at,
      from: D2,
      msg: { t: "keepalive", club: 1, lead: false, cookie: cookie(D2), offers: false },
    });
  }
  for (let at = T0; at <= end; at += BLOCK_MS) raw.push({ at, tick: true });
  raw.sort((a, b) => a.at - b.at);
  // Each message goes through the wire once; the decoded copy is what every build replays.
  const corpus: Uint8Array[] = [];
  const steps = raw.map((s): Step => {
    if ("tick" in s) return s;
    const bytes = encodeDatagram(tag, s.msg);
    corpus.push(bytes);
    const r = decodeDatagram(bytes);
    if (!r.ok) throw new Error(`scenario: ${r.error}`);
    return { at: s.at, from: s.from, msg: r.msg };
  });
  const checked: CheckedAuths = new WeakMap();
  for (const s of steps) {
    if ("msg" in s && s.msg.t === "block" && s.msg.block.kind === "auth") {
      if (!suite.verifyAuth(s.msg.block)) throw new Error("scenario: a bad signature");
      checked.set(s.msg.block, true);
    }
  }
  const scenario = { tag, publicKey, genuine, steps, corpus, checked, end };
  // What the target itself sends (pings, connects, haves, relayed blocks) joins the corpus.
  const w = buildWorld(scenario, seed, true);
  for (const { bytes } of w.transport.record ?? []) corpus.push(bytes);
  w.driver.stop();
  corpus.push(...controlMessages(tag));
  return scenario;
}

/** One valid datagram of every control message, for the mutator to start from. */
function controlMessages(tag: number): Uint8Array[] {
  const msgs: Msg[] = [
    { t: "ping", nonce: 3, pad: 0 },
    {
      t: "pong",
      nonce: 2,
      you: SELF,
      clubs: [2, 3],
      up: 4,
      upIn: 2,
      down: 3,
      downIn: 2,
      full: false,
      cookie: 0,
    },
    { t: "find", club: 0, nonce: 9, cookie: 0 },
    { t: "peers", club: 1, nonce: 9, peers: ["198.51.100.7:4000", "198.51.100.8:4000"] },
    { t: "want", seqs: [3, 7, 11] },
    { t: "have", club: 0, seqs: [16, 20], list: false },
    { t: "accept", club: 2, dir: "down", cookie: 0 },
    { t: "drop", club: 0, dir: "up", cookie: 0 },
    {
      t: "connect",
      club: 1,
      dir: "down",
      clubs: [1, 2],
      have: { base: 1, bits: new Uint8Array([0x27, 0x40]) },
      cookie: 0,
    },
  ];
  return msgs.map((m) => encodeDatagram(tag, m));
}

/** The target's core, as it is born (the same seed draws the same cookie key). */
function targetCore(key: Uint8Array, tag: number, checked: CheckedAuths, seed: number) {
  return new PeerCore(T0, {
    self: SELF,
    role: "peer",
    clubs: CLUBS,
    myClubs: MY_CLUBS,
    suite: ed25519Suite(key, tag, checked),
    rng: new Rng(seed),
    source: SRC,
    config: PROGRAM_CONFIG,
  });
}

/** A fresh target in the state the script leaves it in (`record`: keep what it sends). */
export function buildWorld(s: Scenario, seed: number, record = false): World {
  const transport = new CaptureTransport(SELF);
  if (record) transport.record = [];
  const core = targetCore(s.publicKey, s.tag, s.checked, seed);
  core.addPeers(KNOWN);
  const world: World = { core, driver: undefined!, transport, events: [], now: T0 };
  const driver = new NodeDriver(core, transport, {
    tag: s.tag,
    clock: () => world.now,
    onEvent: (e) => world.events.push(e),
  });
  (world as { driver: NodeDriver }).driver = driver;
  driver.start();
  for (const step of s.steps) {
    world.now = step.at;
    if ("tick" in step) {
      if (step.at >= core.pollTimeout()) core.handleTimeout(step.at);
    } else core.handleMessage(step.at, step.from, step.msg);
    driver.poke();
  }
  world.now = s.end;
  world.events = [];
  return world;
}
