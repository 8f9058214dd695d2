/**
 * Opens the UDP transport of whichever runtime runs the program. Under Bun, node:dgram
 * (node_udp.ts), which can ask for a large receive buffer; under Deno, Deno.listenDatagram
 * (deno_udp.ts), since Deno's node:dgram is far too slow (measured: 5,000 datagrams took
 * 8 s on loopback, against 0.27 s); Bun.udpSocket where node:dgram fails to load.
 */
import { bunUdpAvailable, openBunUdp } from "./bun_udp.ts";
import { denoUdpAvailable, openDenoUdp } from "./deno_udp.ts";
import { openNodeUdp } from "./node_udp.ts";
import type { BindOptions, Transport } from "./transport.ts";

/**
 * Binds a UDP socket. Rejects when the address cannot be bound; throws TypeError when no
 * UDP API is there at all.
 */
export async function openUdp(options: BindOptions = {}): Promise<Transport> {
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
