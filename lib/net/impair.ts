/**
 * Network impairment for tests, since `tc netem` is not available here: wraps a transport
 * and applies random loss, a rate cap with a bounded queue (a bottleneck link), and a fixed
 * delay plus jitter to every datagram it sends. Wrapping every node's transport impairs
 * every link. Randomness comes from a seeded Rng so a failing run can be replayed.
 */
import type { Rng } from "../rand.ts";
import type { Addr } from "../wire/messages.ts";
import type { ReceiveHandler, Transport, TransportStats } from "./transport.ts";

/** What to do to outgoing datagrams; every field defaults to "nothing". */
export interface Impairment {
  /** Chance that a datagram is lost, 0..1. */
  readonly loss?: number;
  /** Added one-way delay, ms. */
  readonly delayMs?: number;
  /** Extra random delay, uniform in [0, jitterMs) ms (it reorders datagrams). */
  readonly jitterMs?: number;
  /** Rate cap of the sending link, bits per second (IP and UDP headers count, 28 bytes). */
  readonly rateBps?: number;
  /** Longest a datagram may wait behind the rate cap before it is dropped, ms (default 200). */
  readonly queueMs?: number;
}

/** What the impairment did. */
export interface ImpairStats {
  lost: number;
  overflowed: number;
  delayed: number;
}

/** A transport with impaired sends. */
export interface ImpairedTransport extends Transport {
  readonly impaired: ImpairStats;
}

/** The form of an impairment's text, for help and error messages: every key it takes. */
export const IMPAIR_SPEC = "loss=P,delay=MS,jitter=MS,rate=BPS,queue=MS";

/** Parses "loss=0.02,delay=20,jitter=5,rate=4000000,queue=200"; throws RangeError if bad. */
export function parseImpairment(text: string): Impairment {
  const out: Record<string, number> = {};
  const names: Record<string, keyof Impairment> = {
    loss: "loss",
    delay: "delayMs",
    jitter: "jitterMs",
    rate: "rateBps",
    queue: "queueMs",
  };
  for (const part of text.split(",").filter((p) => p.trim() !== "")) {
    const [k, v] = part.split("=");
    const key = names[k?.trim()];
    const n = Number(v);
    if (!key || v === undefined || v.trim() === "" || !Number.isFinite(n) || n < 0) {
      throw new RangeError(`bad impairment "${part}" (want ${IMPAIR_SPEC})`);
    }
    out[key] = n;
  }
  if ((out.loss ?? 0) > 1) throw new RangeError("loss must be at most 1");
  return out as Impairment;
}

/** Wraps `inner` so its sends suffer `imp`. */
export function impair(inner: Transport, imp: Impairment, rng: Rng): ImpairedTransport {
  const loss = imp.loss ?? 0, delay = imp.delayMs ?? 0, jitter = imp.jitterMs ?? 0;
  const rate = imp.rateBps ?? 0, queueMs = imp.queueMs ?? 200;
  if (loss < 0 || loss > 1 || delay < 0 || jitter < 0 || rate < 0 || queueMs < 0) {
    throw new RangeError("impairment values must be non-negative (loss at most 1)");
  }
  const impaired: ImpairStats = { lost: 0, overflowed: 0, delayed: 0 };
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let busyUntil = 0;
  let closed = false;

  const later = (ms: number, to: Addr, bytes: Uint8Array) => {
    impaired.delayed++;
    const id = setTimeout(() => {
      timers.delete(id);
      if (!closed) inner.send(to, bytes);
    }, ms);
    timers.add(id);
  };

  return {
    get local() {
      return inner.local;
    },
    get stats(): TransportStats {
      const s = inner.stats;
      return { ...s, sendFailed: s.sendFailed + impaired.lost + impaired.overflowed };
    },
    impaired,
    send(to: Addr, bytes: Uint8Array): void {
      if (closed) throw new TypeError("transport closed");
      if (loss > 0 && rng.chance(loss)) {
        impaired.lost++;
        return;
      }
      const now = performance.now();
      let wait = 0;
      if (rate > 0) {
        const start = Math.max(now, busyUntil);
        if (start - now > queueMs) {
          impaired.overflowed++;
          return;
        }
        busyUntil = start + ((bytes.length + 28) * 8 * 1000) / rate;
        wait = busyUntil - now;
      }
      wait += delay + (jitter > 0 ? rng.range(0, jitter) : 0);
      if (wait < 0.5) inner.send(to, bytes);
      else later(wait, to, bytes);
    },
    onReceive(handler: ReceiveHandler): void {
      inner.onReceive(handler);
    },
    setSteady(steady: boolean): void {
      inner.setSteady?.(steady);
    },
    async close(): Promise<void> {
      closed = true;
      for (const id of timers) clearTimeout(id);
      timers.clear();
      await inner.close();
    },
  };
}
