/** Opens the UDP transport of whichever runtime runs the program (Deno or Bun). */
import { bunUdpAvailable, openBunUdp } from "./bun_udp.ts";
import { denoUdpAvailable, openDenoUdp } from "./deno_udp.ts";
import type { BindOptions, Transport } from "./transport.ts";

/**
 * Binds a UDP socket with the running runtime's API. Throws TypeError when neither Deno
 * (with --unstable-net) nor Bun is there.
 */
export function openUdp(options: BindOptions = {}): Promise<Transport> {
  if (denoUdpAvailable()) return openDenoUdp(options);
  if (bunUdpAvailable()) return openBunUdp(options);
  throw new TypeError("no UDP: run under Deno with --unstable-net, or under Bun");
}
