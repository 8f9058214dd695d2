/**
 * The sans-IO face every protocol node shows its driver: the peer core, and the source
 * node that wraps one. Drivers (lib/net, sim/) only ever talk to this interface.
 */
import type { Addr, Msg } from "../wire/messages.ts";
import type { PeerEvent } from "./events.ts";

/** A protocol state machine driven by datagrams and one timer. */
export interface ProtocolNode {
  /** A decoded datagram from `from` arrived at `now`. */
  handleMessage(now: number, from: Addr, msg: Msg): void;
  /** The timer fired (at or after `pollTimeout()`). */
  handleTimeout(now: number): void;
  /** The next datagram to send, or undefined. */
  pollTransmit(now: number): { to: Addr; msg: Msg } | undefined;
  /** When the timer should fire next. */
  pollTimeout(): number;
  /** The next event, or undefined. */
  pollEvent(): PeerEvent | undefined;
  /** True when datagrams wait to be sent. */
  hasPending(): boolean;
  /**
   * `count` datagrams were dropped on this machine, by its own socket's full receive
   * buffer, before the ones about to be handed in: not lost on any link. For a node that
   * judges links by their loss (lib/peer/down_monitor.ts); the driver calls it where the
   * transport can tell (TransportStats.receiveOverflow).
   */
  noteReceiveOverflow?(now: number, count: number): void;
}
