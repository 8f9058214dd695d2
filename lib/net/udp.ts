/**
 * Opens the UDP transport of whichever runtime runs the program. On Linux, where the runtime
 * has FFI (Deno with FFI granted, as the programs run with -A; Bun always), the FFI socket
 * (linux_udp.ts): it reads and writes in batches and wakes the process a few dozen times a
 * second instead of for every datagram (bench/README.md: half the CPU of a Deno peer at 4
 * Mbit/s; under Bun a relaying peer made 1.3-1.7x the blocks per CPU-second of node:dgram's).
 * `CLUBCAST_UDP=deno` (or `node`) forces the runtime's own socket, which is used anywhere
 * else: Deno.listenDatagram (deno_udp.ts) under Deno, since Deno's node:dgram is far too
 * slow (measured: 5,000 datagrams took 8 s on loopback, against 0.27 s); under Bun
 * node:dgram (node_udp.ts), which can ask for a large receive buffer, and Bun.udpSocket
 * where node:dgram fails to load.
 */
import { bunUdpAvailable, openBunUdp } from "./bun_udp.ts";
import { denoUdpAvailable, openDenoUdp } from "./deno_udp.ts";
import { Rng } from "../rand.ts";
import { impair, type Impairment } from "./impair.ts";
import { linuxUdpAvailable, openLinuxUdp } from "./linux_udp.ts";
import { openNodeUdp } from "./node_udp.ts";
import { env } from "./runtime.ts";
import type { BindOptions, Transport } from "./transport.ts";

/**
 * Binds a UDP socket. Rejects when the address cannot be bound; throws TypeError when no
 * UDP API is there at all.
 */
export async function openUdp(options: BindOptions = {}): Promise<Transport> {
  const choice = udpChoice(env(UDP_ENV));
  if (choice.adapter === "ffi" && linuxUdpAvailable()) {
    try {
      return await openLinuxUdp({
        ...options,
        batchMs: choice.batchMs,
        steadyBatchMs: choice.batchMs,
      });
    } catch (e) {
      if ((e as { code?: string })?.code?.startsWith("E")) throw e; // EADDRINUSE and the like
      // anything else (a host name to bind, say): the runtime's own socket
    }
  }
  if (denoUdpAvailable()) return openDenoUdp(options);
  if (!bunUdpAvailable()) {
    throw new TypeError("no UDP: run under Deno with --unstable-net, or under Bun");
  }
  try {
    return await openNodeUdp(options);
  } catch (e) {
    if ((e as { code?: string })?.code?.startsWith("E")) throw e; // EADDRINUSE and the like
    return openBunUdp(options);
  }
}

/** The environment variable that picks the UDP adapter (see {@link udpChoice}). */
export const UDP_ENV = "CLUBCAST_UDP";

/**
 * What `CLUBCAST_UDP` asks for: "deno" or "node" (the runtime's own socket:
 * Deno.listenDatagram, or node:dgram under Bun), "ffi:<ms>" (the Linux FFI socket draining
 * every <ms> while traffic flows, steady or not); anything else, or unset, the FFI socket
 * with its defaults (linux_udp.ts's DEFAULT_BATCH_MS, and DEFAULT_STEADY_BATCH_MS while a
 * peer plays). The FFI socket only where it is available; the runtime's own elsewhere.
 */
export function udpChoice(
  value: string | undefined,
): { adapter: "ffi" | "own"; batchMs?: number } {
  const v = value?.trim() ?? "";
  if (v === "deno" || v === "node") return { adapter: "own" };
  const m = /^ffi:(\d{1,3})$/.exec(v);
  return m ? { adapter: "ffi", batchMs: Number(m[1]) } : { adapter: "ffi" };
}

/** A generator seeded from the OS: the programs' randomness (the core only gets it passed in). */
export function osSeededRng(): Rng {
  return new Rng(crypto.getRandomValues(new Uint32Array(1))[0]);
}

/**
 * The socket of a program (`peer`, `source`): bound at `bind:port`, and impaired as the
 * testing flag `--impair` asks. A message for the user when it cannot be bound.
 */
export async function openProgramUdp(
  o: { readonly bind: string; readonly port: number; readonly impair?: Impairment },
): Promise<Transport | { readonly error: string }> {
  let transport: Transport;
  try {
    transport = await openUdp({ hostname: o.bind, port: o.port });
  } catch (e) {
    return { error: `cannot bind UDP ${o.bind}:${o.port}: ${(e as Error).message}` };
  }
  return o.impair ? impair(transport, o.impair, osSeededRng()) : transport;
}
