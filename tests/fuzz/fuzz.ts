/**
 * The fuzz loop: datagrams from the generators in mutate.ts are injected into a busy peer
 * (world.ts) through its driver's receive path, exactly as a socket would hand them over;
 * after each one the peer's state is compared with what it was (snapshot.ts) and the outcome
 * is classified. See docs/security.md ("Malformed input") for what "no state change" means.
 *
 * Senders are strangers (a fresh address for every datagram) except for a `spoof` fraction
 * of the mutated datagrams, which claim to come from one of the peer's connections (UDP
 * source addresses can be forged): those reach the connection logic and the signature
 * check, and may change state; the invariant for them is that no block other than a genuine
 * one is ever stored, played or relayed.
 */
import { decodeDatagram } from "../../lib/wire/codec.ts";
import type { Addr, Msg } from "../../lib/wire/messages.ts";
import { Rng } from "../../lib/rand.ts";
import { mutated, randomBytes, randomFrame } from "./mutate.ts";
import { forgedAccepted, strangerChange } from "./classify.ts";
import { changedParts, snapshot } from "./snapshot.ts";
import { buildWorld, CONNECTED, makeScenario, WATCHED } from "./world.ts";

/** What each datagram came to. */
export type Outcome =
  /** Not CBOR, or not a datagram frame (empty, oversize, not an array, trailing bytes). */
  | "undecodable"
  /** A frame whose fields break the wire rules (dropped by validation). */
  | "invalid"
  | "otherChannel"
  /** Reached the core from a stranger; nothing changed, nothing sent. */
  | "ignored"
  /** Reached the core from a stranger; nothing changed; answered (pong, peers, refusal). */
  | "answered"
  /** A stranger's "connect" opened a connection with it. */
  | "connected"
  /** Spoofed from a connection: refused by the signature check, the sender banned. */
  | "spoofForged"
  /** Spoofed from a connection: nothing changed. */
  | "spoofIgnored"
  /** Spoofed from a connection: changed connection or pending state (never a block). */
  | "spoofChanged"
  /** A state change no rule allows, or a forged block stored: a failure. */
  | "violation";

/** Fuzz settings. */
export interface FuzzOptions {
  readonly runs: number;
  readonly seed: number;
  /** Fraction of mutated datagrams sent as from one of the peer's connections. */
  readonly spoof: number;
  /** Called every `progressEvery` runs. */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

/** A failure worth replaying. */
export interface Sample {
  readonly run: number;
  readonly outcome: string;
  readonly from: Addr;
  readonly ops: readonly string[];
  readonly hex: string;
  readonly detail: string;
}

/** The fuzzer's figures. */
export interface FuzzReport {
  readonly runs: number;
  readonly seed: number;
  readonly spoof: number;
  /** Exceptions out of the driver's receive path, plus errors the driver caught from the core. */
  readonly exceptions: number;
  readonly violations: number;
  readonly outcomes: Record<Outcome, number>;
  /** Connections of the peer dropped to make room for a stranger's ([0059] surplus rule). */
  readonly displaced: number;
  /** Datagrams that reached the core, by message type. */
  readonly delivered: Record<string, number>;
  /** Handling time per datagram (decode, checks, core, replies), microseconds. */
  readonly costUs: {
    mean: number;
    p50: number;
    p99: number;
    max: number;
    byOutcome: Record<string, number>;
  };
  /** Bytes received from strangers and bytes sent to them at once in reply. */
  readonly strangerBytes: { readonly in: number; readonly out: number };
  /** Times the peer was rebuilt after an allowed change. */
  readonly rebuilds: number;
  readonly samples: readonly Sample[];
  /** The five slowest datagrams (detail: their handling time, µs), to replay and explain. */
  readonly slowest: readonly Sample[];
}

const OUTCOMES: Outcome[] = [
  "undecodable",
  "invalid",
  "otherChannel",
  "ignored",
  "answered",
  "connected",
  "spoofForged",
  "spoofIgnored",
  "spoofChanged",
  "violation",
];

/** Decoder errors about the bytes rather than the fields (lib/wire/codec.ts, layout.ts). */
const UNDECODABLE = /^(cbor:|datagram: (empty|not bytes|expected a CBOR array|\d+ bytes exceeds))/;

/** The sequence numbers a message names (probed in the snapshots besides the stream's range). */
function seqsOf(m: Msg): number[] {
  if (m.t === "block") return [m.block.seq];
  if (m.t === "have" || m.t === "want") return m.seqs.slice(0, 8);
  if (m.t === "connect" && m.have) return [m.have.base];
  return [];
}

function hex(b: Uint8Array): string {
  return Array.from(b.subarray(0, 64), (v) => v.toString(16).padStart(2, "0")).join("");
}

/** Runs the fuzzer. */
export function runFuzz(o: FuzzOptions): FuzzReport {
  const scenario = makeScenario(o.seed);
  const rng = new Rng(o.seed ^ 0x5eed);
  const hi = Math.max(...scenario.genuine.keys()) + 8;
  const outcomes = Object.fromEntries(OUTCOMES.map((k) => [k, 0])) as Record<Outcome, number>;
  const costSum = Object.fromEntries(OUTCOMES.map((k) => [k, 0])) as Record<Outcome, number>;
  const delivered: Record<string, number> = {};
  const costs = new Float64Array(o.runs);
  const samples: Sample[] = [];
  const slowest: (Sample & { us: number })[] = [];
  let exceptions = 0, displaced = 0, rebuilds = 0, strangerIn = 0, strangerOut = 0;
  let world = buildWorld(scenario, o.seed);
  let baseline = snapshot(world.core, 0, hi, [], WATCHED);
  const note = ({ bytes, ...s }: Omit<Sample, "hex"> & { bytes: Uint8Array }) => {
    if (samples.length < 8) samples.push({ ...s, hex: hex(bytes) });
  };

  // Each message type is mutated as often as any other, however many of it the corpus has.
  const byType = new Map<string, Uint8Array[]>();
  for (const bytes of scenario.corpus) {
    const r = decodeDatagram(bytes);
    const t = r.ok ? r.msg.t === "block" ? `block ${r.msg.block.kind}` : r.msg.t : "?";
    byType.set(t, [...byType.get(t) ?? [], bytes]);
  }
  const groups = [...byType.values()];
  const base = () => rng.pick(rng.pick(groups));
  for (let run = 0; run < o.runs; run++) {
    const pick = rng.next();
    const f = pick < 0.15
      ? randomBytes(rng)
      : pick < 0.3
      ? randomFrame(rng, scenario.tag)
      : mutated(rng, base(), base());
    const spoofed = f.origin === "mutated" && rng.chance(o.spoof);
    const from = spoofed ? rng.pick(CONNECTED) : stranger(run);
    // What the bytes are, found outside the timed section (the driver decodes them itself).
    const r = decodeDatagram(f.bytes);
    const msg = r.ok && r.tag === scenario.tag ? r.msg : undefined;
    const probes = msg ? seqsOf(msg) : [];
    const before = probes.length === 0 ? baseline : snapshot(world.core, 0, hi, probes, WATCHED);
    const ds = world.driver.stats, ts = world.transport.stats;
    const errorsBefore = ds.nodeErrors + ds.encodeFailed, deliveredBefore = ds.delivered;
    const outBefore = ts.bytesOut, sentBefore = ts.datagramsOut;
    const sent: { to: Addr; bytes: Uint8Array }[] = [];
    world.transport.record = spoofed ? sent : undefined;
    let thrown: unknown;
    const t0 = performance.now();
    try {
      world.transport.inject(from, f.bytes);
      world.driver.flush(); // what it sends, at once (the driver would after the socket's batch)
    } catch (e) {
      thrown = e;
    }
    const dt = (performance.now() - t0) * 1000;
    costs[run] = dt;
    if (thrown !== undefined || ds.nodeErrors + ds.encodeFailed > errorsBefore) {
      exceptions++;
      note({ run, outcome: "exception", from, ops: f.ops, bytes: f.bytes, detail: String(thrown) });
    }
    const after = snapshot(world.core, 0, hi, probes, WATCHED);
    const parts = changedParts(before, after);
    if (!spoofed) {
      strangerIn += f.bytes.length;
      strangerOut += ts.bytesOut - outBefore;
    }
    let outcome: Outcome;
    let why = "";
    if (ds.delivered - deliveredBefore !== (msg ? 1 : 0)) {
      outcome = "violation";
      why = `delivered ${ds.delivered - deliveredBefore} for ${msg?.t ?? "nothing"}`;
    } else if (!r.ok) {
      outcome = UNDECODABLE.test(r.error) ? "undecodable" : "invalid";
    } else if (!msg) outcome = "otherChannel";
    else if (spoofed) {
      const seqs = [...Array(hi + 1).keys(), ...probes];
      why = forgedAccepted(world, scenario, seqs, sent);
      outcome = why !== ""
        ? "violation"
        : world.events.some((e) => e.type === "forged" && e.from === from)
        ? "spoofForged"
        : parts.length === 0
        ? "spoofIgnored"
        : "spoofChanged";
    } else {
      why = strangerChange(msg, from, parts, before, after, world.events);
      if (why === "") outcome = ts.datagramsOut > sentBefore ? "answered" : "ignored";
      else if (why.startsWith("ok:")) {
        outcome = why.slice(3).split(" ")[0] as Outcome;
        if (why.endsWith("displaced")) displaced++;
      } else outcome = "violation";
    }
    if (msg) delivered[msg.t] = (delivered[msg.t] ?? 0) + 1;
    // Bytes that never reached the core cannot have changed it: checked all the same.
    if (!msg && parts.length > 0) {
      outcome = "violation";
      why = `an undelivered datagram changed ${parts.join(",")}`;
    }
    if (outcome === "violation") {
      note({ run, outcome, from, ops: f.ops, bytes: f.bytes, detail: why });
    }
    outcomes[outcome]++;
    costSum[outcome] += dt;
    if (slowest.length < 5 || dt > slowest[slowest.length - 1].us) {
      const detail = `${round(dt)} µs`;
      slowest.push({ run, outcome, from, ops: f.ops, hex: hex(f.bytes), detail, us: dt });
      slowest.sort((a, b) => b.us - a.us);
      slowest.length = Math.min(slowest.length, 5);
    }
    world.events = [];
    if (parts.length > 0 || outcome === "violation") {
      // Back to the baseline: an identical peer built from the same script.
      world.driver.stop();
      world = buildWorld(scenario, o.seed);
      rebuilds++;
      baseline = snapshot(world.core, 0, hi, [], WATCHED);
    }
    if (o.onProgress && (run + 1) % (o.progressEvery ?? 100_000) === 0) o.onProgress(run + 1);
  }
  world.driver.stop();
  const sorted = costs.slice().sort();
  const q = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const byOutcome: Record<string, number> = {};
  for (const k of OUTCOMES) if (outcomes[k] > 0) byOutcome[k] = round(costSum[k] / outcomes[k]);
  const total = costs.reduce((a, b) => a + b, 0);
  return {
    runs: o.runs,
    seed: o.seed,
    spoof: o.spoof,
    exceptions,
    violations: outcomes.violation,
    outcomes,
    displaced,
    delivered,
    costUs: {
      mean: round(total / Math.max(1, o.runs)),
      p50: round(q(0.5)),
      p99: round(q(0.99)),
      max: round(q(1)),
      byOutcome,
    },
    strangerBytes: { in: strangerIn, out: strangerOut },
    rebuilds,
    samples,
    slowest: slowest.map(({ us: _, ...s }) => s),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A fresh address for every stranger. */
function stranger(run: number): Addr {
  return `198.18.${(run >> 8) & 255}.${run & 255}:${1024 + (run >>> 16)}`;
}
