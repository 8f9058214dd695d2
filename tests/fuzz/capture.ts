/**
 * A transport for the fuzzer: it delivers whatever bytes the fuzzer injects to the driver's
 * receive handler (as a socket would), and counts what the driver sends back instead of
 * sending it anywhere.
 */
import { newStats, type ReceiveHandler, type Transport } from "../../lib/net/transport.ts";
import type { Addr } from "../../lib/wire/messages.ts";

/** A transport whose input is the fuzzer and whose output is counted. */
export class CaptureTransport implements Transport {
  readonly local: Addr;
  readonly stats = newStats();
  /** Every datagram sent since `record` was last set to a fresh array (when set). */
  record: { to: Addr; bytes: Uint8Array }[] | undefined;
  #handler: ReceiveHandler | undefined;

  /** A transport that says it is bound at `local`. */
  constructor(local: Addr) {
    this.local = local;
  }

  /** Counts (and, when recording, keeps) a datagram the driver sends. */
  send(to: Addr, bytes: Uint8Array): void {
    this.stats.datagramsOut++;
    this.stats.bytesOut += bytes.length;
    this.record?.push({ to, bytes });
  }

  /** Sets the driver's receive handler. */
  onReceive(handler: ReceiveHandler): void {
    this.#handler = handler;
  }

  /** A datagram arrives from `from`, exactly as a socket hands it to the driver. */
  inject(from: Addr, bytes: Uint8Array): void {
    this.stats.datagramsIn++;
    this.stats.bytesIn += bytes.length;
    if (this.#handler) this.#handler(from, bytes);
    else this.stats.unhandled++;
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
