/**
 * The observable state of a peer, as the fuzzer compares it before and after a datagram.
 *
 * A snapshot has one entry per part of the state, each a string (or, for the parts a
 * datagram from a stranger may legitimately touch, a map from address to string, so the
 * difference can be checked entry by entry):
 * - `conns`: every upload and download connection, all its fields (haves and sent sets by
 *   size, the download monitor's public fields), and the catch-up feeds of uploads;
 * - `store`, `seen`, `auth`, `playback`, `repair`: per seq over the stream's range (plus the
 *   seqs the datagram names): which block object is stored, seen, verified, buffered or
 *   missing; the authenticator's highest verified seq, pending count and verdict counters;
 *   playback's start, cursor, delay, rate and buffer sizes;
 * - `directory`: every known peer, in the directory's order (which decides evictions), with
 *   its clubs, pong, ping and failure times;
 * - `bans`: how many are banned and whether each address of the scenario is;
 * - `core`: the peer's own fields (public address, threshold, bitrate, first seq, outstanding
 *   pings and finds, refusals by the source, nonce, tick, queue delay,
 *   withdrawn) and its send-queue sizes.
 *
 * Not state in this sense: counters (the peer's `stats`, the driver's), the random
 * generator's position (a "find" answer shuffles with it), and internal caches with no
 * effect on behaviour.
 */
import type { PeerCore } from "../../lib/peer/peer.ts";
import type { Addr } from "../../lib/wire/messages.ts";

/** The parts of a snapshot. */
export type Part =
  | "conns"
  | "store"
  | "seen"
  | "auth"
  | "playback"
  | "repair"
  | "directory"
  | "bans"
  | "core";

/** The parts a stranger's datagram may change, kept per address for an entry-wise diff. */
export interface Snapshot {
  readonly text: Readonly<Record<Exclude<Part, "conns" | "directory">, string>>;
  readonly conns: ReadonlyMap<string, string>;
  readonly directory: ReadonlyMap<Addr, string>;
}

const ids = new WeakMap<object, number>();
let nextId = 1;
/** A stable number for an object (which block object a store slot holds). */
function idOf(o: object | undefined): number {
  if (o === undefined) return 0;
  let id = ids.get(o);
  if (id === undefined) ids.set(o, id = nextId++);
  return id;
}

/** Own enumerable fields; sets and maps by size, nested objects by their own fields. */
function fields(o: object): string {
  let s = "";
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === "object") {
      const size = (v as { size?: unknown }).size;
      s += typeof size === "number" ? `${k}#${size},` : `${k}{${fields(v)}},`;
    } else s += `${k}=${String(v)},`;
  }
  return s;
}

/**
 * Takes a snapshot of `p` over seqs `lo..hi` and the extra `probes`; `watched` are the
 * addresses whose bans are checked one by one (the others only by the ban count).
 */
export function snapshot(
  p: PeerCore,
  lo: number,
  hi: number,
  probes: readonly number[],
  watched: readonly Addr[],
): Snapshot {
  const seqs: number[] = [];
  for (let s = lo; s <= hi; s++) seqs.push(s);
  seqs.push(...probes);
  const bits = (f: (s: number) => boolean) => seqs.map((s) => (f(s) ? "1" : "0")).join("");
  const auth = p.auth!, pb = p.playback!;
  const conns = new Map<string, string>();
  for (const [k, c] of p.ups) conns.set(`up ${k}`, fields(c));
  for (const [k, c] of p.downs) conns.set(`down ${k}`, fields(c));
  // History queued for new downstreams belongs with the uploads.
  conns.set("catchUps", String(p.catchUps.size));
  const directory = new Map<Addr, string>();
  for (const k of p.directory.all()) {
    directory.set(
      k.addr,
      `${[...k.clubs]}|${k.pongAt}|${k.pingAt}|${k.failAt}|` +
        (k.pong ? fields(k.pong) : ""),
    );
  }
  return {
    conns,
    directory,
    text: {
      store: `${p.store.size},${p.store.top},${p.store.floor}|` +
        seqs.map((s) => idOf(p.store.get(s))).join(","),
      seen: bits((s) => p.seen.has(s)),
      auth: `${auth.highestVerified},${auth.pendingCount},${fields(auth.counters)}|` +
        bits((s) => auth.isVerified(s)) + bits((s) => auth.leafKnown(s)),
      playback: `${pb.started},${pb.cursor},${pb.delayMs},${pb.rate},${fields(pb.memory())}|` +
        bits((s) => pb.has(s)),
      repair: `${p.repair.missing}|` + bits((s) => p.repair.isMissing(s)),
      bans: `${p.bans.size}|` + watched.map((a) => (p.bans.has(a) ? "1" : "0")).join(""),
      core: [
        p.self,
        p.publicAddr,
        p.thresholdMs,
        p.bitrate,
        p.firstSeq,
        p.liveSeen,
        p.nextTick,
        p.queueDelayMs,
        p.lastShed,
        p.lastLeadRound,
        p.withdrawn,
        [...p.pings],
        [...p.lastFind],
        [...p.finds].map(([n, f]) => `${n}:${f.to}:${f.club}`),
        [...p.sourceRefusedAt],
        fields(p.queue.sizes()),
      ].join("|"),
    },
  };
}

/** The parts that differ between two snapshots. */
export function changedParts(a: Snapshot, b: Snapshot): Part[] {
  const out: Part[] = [];
  for (const k of Object.keys(a.text) as (keyof Snapshot["text"])[]) {
    if (a.text[k] !== b.text[k]) out.push(k);
  }
  if (!sameMap(a.conns, b.conns)) out.push("conns");
  if (!sameMap(a.directory, b.directory)) out.push("directory");
  return out;
}

/** True when both maps hold the same entries in the same order. */
export function sameMap<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a.size !== b.size) return false;
  const ia = a.entries(), ib = b.entries();
  for (let x = ia.next(), y = ib.next(); !x.done; x = ia.next(), y = ib.next()) {
    if (y.done || x.value[0] !== y.value[0] || x.value[1] !== y.value[1]) return false;
  }
  return true;
}
