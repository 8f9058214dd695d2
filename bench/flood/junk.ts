/**
 * The flood benchmark's junk: datagrams made by the fuzzer's generators (tests/fuzz/mutate.ts)
 * in the fuzzer's mix (15 % random bytes, 15 % random frames with the channel's tag, 70 %
 * mutations of valid datagrams), and a share of valid requests sent as they are (padded
 * pings, finds, connects, keep-alives with wrong cookies for the channel's clubs), which the
 * peer must answer or refuse within its bounds. The valid datagrams come from the wire
 * tests' generator of every message type (lib/wire/arbitraries.ts), with the channel's tag.
 * Made once, up front: the sender only replays the pool.
 */
import fc from "fast-check";
import { Rng } from "../../lib/rand.ts";
import { arbMsg } from "../../lib/wire/arbitraries.ts";
import { encodeDatagram } from "../../lib/wire/codec.ts";
import type { Msg } from "../../lib/wire/messages.ts";
import { pingPad } from "../../lib/wire/size.ts";
import { mutated, randomBytes, randomFrame } from "../../tests/fuzz/mutate.ts";

/** What the pool is made of, by kind. */
export interface JunkPool {
  readonly datagrams: readonly Uint8Array[];
  readonly kinds: Readonly<Record<"random" | "frame" | "mutated" | "request", number>>;
}

/** A valid request a flooder would send to make the peer work: answers, refusals, tables. */
function request(rng: Rng, clubs: number): Msg {
  const club = rng.int(clubs), nonce = rng.int(2 ** 53), cookie = rng.int(2 ** 53);
  switch (rng.int(4)) {
    case 0:
      return { t: "ping", nonce, pad: pingPad(nonce) };
    case 1:
      return { t: "find", club, nonce, cookie };
    case 2: {
      const dir = rng.chance(0.5) ? "down" as const : "up" as const;
      return { t: "connect", club, dir, clubs: [club], have: null, cookie };
    }
    default:
      return { t: "keepalive", club, lead: true, cookie, offers: false };
  }
}

/**
 * `size` junk datagrams for the channel `tag` of `clubs` clubs; `requests` is the share of
 * valid requests (the rest in the fuzzer's mix).
 */
export function junkPool(tag: number, clubs: number, size: number, seed = 1, requests = 0.1) {
  const rng = new Rng(seed);
  const corpus = fc.sample(arbMsg, { numRuns: 600, seed }).flatMap((m) => {
    try {
      return [encodeDatagram(tag, m)];
    } catch {
      return []; // a generated message over the datagram budget
    }
  });
  const kinds = { random: 0, frame: 0, mutated: 0, request: 0 };
  const datagrams: Uint8Array[] = [];
  for (let i = 0; i < size; i++) {
    const pick = rng.next();
    if (pick < requests) {
      datagrams.push(encodeDatagram(tag, request(rng, clubs)));
      kinds.request++;
      continue;
    }
    const r = (pick - requests) / (1 - requests);
    const f = r < 0.15
      ? randomBytes(rng)
      : r < 0.3
      ? randomFrame(rng, tag)
      : mutated(rng, rng.pick(corpus), rng.pick(corpus));
    datagrams.push(f.bytes);
    kinds[f.origin]++;
  }
  return { datagrams, kinds } satisfies JunkPool;
}
