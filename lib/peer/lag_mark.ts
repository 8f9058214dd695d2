/**
 * The newest value a peer had some time ago: it records (time, value) as the value grows and
 * answers "what was the newest value `lagMs` ago". The repair sweep uses it on the newest
 * sequence number held: blocks older than the newest one of `lagMs` ago that are still absent
 * are late, whichever club they belong to (repair.ts, `overdue`).
 */
import { Deque } from "./deque.ts";

/** A rising value, and what it was `lagMs` ago. */
export class LagMark {
  readonly #marks = new Deque<{ readonly at: number; readonly value: number }>();
  #last = -Infinity;
  #lagged = -Infinity;
  readonly #lagMs: number;

  /** A mark that answers for values at least `lagMs` old. */
  constructor(lagMs: number) {
    this.#lagMs = lagMs;
  }

  /** Notes `value` at `now` (ignored unless it grew). */
  note(now: number, value: number): void {
    if (value <= this.#last) return;
    this.#last = value;
    this.#marks.push({ at: now, value });
  }

  /** The newest value noted at `now - lagMs` or before; -Infinity when none. */
  lagged(now: number): number {
    for (let m = this.#marks.peek(); m && m.at <= now - this.#lagMs; m = this.#marks.peek()) {
      this.#lagged = m.value;
      this.#marks.shift();
    }
    return this.#lagged;
  }
}
