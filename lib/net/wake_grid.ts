/**
 * Timers that fire on a grid: a callback asked for in `delayMs` runs at the first multiple of
 * `gridMs` (ms on the programs' clock) at or after that, together with every other callback due at the
 * same grid point, in one timer callback. A process waking up costs far more than the work it
 * wakes up for at a peer's rates (bench/README.md: 50-120 µs of CPU per empty wake-up on the
 * benchmark machine), so the FFI socket's drains (linux_udp.ts) and the driver's timer
 * (driver.ts) share a grid and wake the process once instead of twice. Late by up to
 * `gridMs`, never early. Grid points are on the programs' clock (clock.ts).
 */
import { wallClock } from "./clock.ts";

/** A grid point's callbacks and its one timer. */
interface Slot {
  readonly fns: Set<() => void>;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Timers on one grid; see the module. */
export class WakeGrid {
  /** The grid's spacing, ms (>= 1). */
  readonly gridMs: number;
  readonly #slots = new Map<number, Slot>();

  /** A grid of `gridMs` (rounded to whole ms, at least 1). */
  constructor(gridMs: number) {
    this.gridMs = Math.max(1, Math.round(gridMs));
  }

  /** The first grid point at or after `t` (wall-clock ms). */
  ceil(t: number): number {
    return Math.ceil(t / this.gridMs) * this.gridMs;
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

/** The process's one grid of `gridMs`, shared by everything that asks for the same spacing. */
export function sharedGrid(gridMs: number): WakeGrid {
  const g = Math.max(1, Math.round(gridMs));
  let grid = grids.get(g);
  if (!grid) grids.set(g, grid = new WakeGrid(g));
  return grid;
}
