/**
 * Timers that fire on a grid: a callback asked for in `delayMs` runs at the first grid point
 * (`phaseMs` plus a multiple of `gridMs`, ms on the programs' clock) at or after that,
 * together with every other callback due at the same grid point, in one timer callback. A
 * process waking up costs far more than the work it wakes up for at a peer's rates
 * (bench/README.md: 50-120 µs of CPU per empty wake-up on the benchmark machine), so the FFI
 * socket's drains (linux_udp.ts) and the driver's timer (driver.ts) share a grid and wake the
 * process once instead of twice. Late by up to `gridMs`, never early. Grid points are on the
 * programs' clock (clock.ts).
 *
 * Each grid has a phase of its own, random by default: processes whose grids lined up (one
 * machine, or machines on one LAN with synchronised clocks) would all wake at the same
 * instants, and a datagram relayed at one process's grid point would reach the next just
 * after that one had drained its socket at the same point, to wait a whole `gridMs` there
 * instead of half of it on average (bench/README.md, run G: hop_delay.ts on loopback).
 */
import { wallClock } from "./clock.ts";

/** A grid point's callbacks and its one timer. */
interface Slot {
  readonly fns: Set<() => void>;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Timers on one grid; see the module. */
export class WakeGrid {
  #gridMs: number;
  /** Where the grid points lie: `phaseMs` + k `gridMs`. */
  readonly phaseMs: number;
  readonly #slots = new Map<number, Slot>();

  /**
   * A grid of `gridMs` (rounded to whole ms, at least 1) whose points lie `phaseMs` after the
   * multiples of `gridMs` (whole ms from 0 to `gridMs` - 1; random when not given).
   */
  constructor(gridMs: number, phaseMs?: number) {
    this.#gridMs = Math.max(1, Math.round(gridMs));
    const phase = phaseMs ?? Math.random() * this.#gridMs;
    this.phaseMs = Math.min(this.#gridMs - 1, Math.max(0, Math.floor(phase)));
  }

  /** The grid's spacing, ms (>= 1). */
  get gridMs(): number {
    return this.#gridMs;
  }

  /**
   * Changes the spacing (rounded to whole ms, at least 1) for what is scheduled from now on;
   * what already waits keeps its grid point, and the phase stays. A multiple of the old
   * spacing keeps every new point on the old grid too (the FFI socket goes from 20 to 40 ms
   * while a peer plays, linux_udp.ts's `setSteady`).
   */
  setSpacing(gridMs: number): void {
    this.#gridMs = Math.max(1, Math.round(gridMs));
  }

  /** The first grid point at or after `t` (wall-clock ms). */
  ceil(t: number): number {
    const g = this.#gridMs, p = this.phaseMs;
    return Math.ceil((t - p) / g) * g + p;
  }

  /** Runs `fn` at the first grid point at least `delayMs` from now; returns its cancel. */
  schedule(fn: () => void, delayMs: number): () => void {
    const now = wallClock();
    const at = this.ceil(now + Math.max(0, delayMs));
    let slot = this.#slots.get(at);
    if (!slot) {
      slot = { fns: new Set(), timer: setTimeout(() => this.#fire(at), at - now) };
      this.#slots.set(at, slot);
    }
    const fns = slot.fns;
    fns.add(fn);
    return () => {
      fns.delete(fn);
      if (fns.size === 0 && this.#slots.get(at)?.fns === fns) {
        clearTimeout(this.#slots.get(at)!.timer);
        this.#slots.delete(at);
      }
    };
  }

  /** Grid points with callbacks waiting (for tests). */
  get pending(): number {
    return this.#slots.size;
  }

  #fire(at: number): void {
    const slot = this.#slots.get(at);
    this.#slots.delete(at);
    if (!slot) return;
    for (const fn of slot.fns) {
      try {
        fn();
      } catch (e) {
        // One callback's failure must not cost the others their turn.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }
}

const grids = new Map<number, WakeGrid>();

/**
 * The process's one grid made with spacing `gridMs`, shared by everything that asks for the
 * same spacing: the FFI socket, the driver's timer and the stdout sink of a program (one socket
 * each). Its spacing may since have been changed (`setSpacing`); all of them follow.
 */
export function sharedGrid(gridMs: number): WakeGrid {
  const g = Math.max(1, Math.round(gridMs));
  let grid = grids.get(g);
  if (!grid) grids.set(g, grid = new WakeGrid(g));
  return grid;
}
