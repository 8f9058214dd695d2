/**
 * Test assertions for the whole repository. JSR's @std/assert is unreachable on these
 * machines, so tests use node:assert/strict through these thin names.
 */
import { strict as nodeAssert } from "node:assert";

/** Fails unless the condition holds. */
export function assert(cond: unknown, message?: string): asserts cond {
  nodeAssert.ok(cond, message);
}

/** Fails unless the two values are deeply equal. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Fails if the two values are deeply equal. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** Fails unless fn throws an error of the given class. */
export function assertThrows(fn: () => unknown, cls?: new (...a: never[]) => Error): void {
  nodeAssert.throws(fn, cls as never);
}

/** Fails unless the promise `fn` returns rejects (with an error of the given class). */
export async function assertRejects(
  fn: () => Promise<unknown>,
  cls?: new (...a: never[]) => Error,
): Promise<void> {
  await nodeAssert.rejects(fn, cls as never);
}
