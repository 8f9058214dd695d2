/**
 * Test helpers for the tracker: an app over a fresh `:memory:` KV, a source key that signs
 * registrations, and a JSON request helper that binds the client address like the server.
 */
import { signRegistration } from "../lib/channel/register.ts";
import { Rng } from "../lib/rand.ts";
import { type AppOptions, createApp } from "./app.ts";
import { KvStore } from "./store.ts";

/** A fixed source secret key for tests. */
export const SOURCE_SECRET: Uint8Array = new Uint8Array(32).fill(42);

/** A signed registration body for `SOURCE_SECRET`. */
export function registration(clubs: number, ts: number, secret = SOURCE_SECRET) {
  return signRegistration(secret, clubs, ts);
}

/** A response's status and parsed JSON (null when it is not JSON). */
export interface Answer {
  readonly status: number;
  // deno-lint-ignore no-explicit-any
  readonly json: any;
}

/** Something that answers requests: `app.request` or a fetch to a real port. */
export type Caller = (
  method: string,
  path: string,
  body?: unknown,
  ip?: string,
) => Promise<Answer>;

/** A test tracker: the app, its KV, a caller, and close(). */
export interface TestTracker {
  readonly kv: Deno.Kv;
  readonly app: ReturnType<typeof createApp>;
  readonly call: Caller;
  close(): void;
}

/** Bodies given as strings or bytes are sent raw; anything else as JSON. */
export function encodeBody(body: unknown): BodyInit | undefined {
  if (body === undefined) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body as BodyInit;
  return JSON.stringify(body);
}

/** Reads a response as an {@link Answer}. */
export async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

/** Starts an app over `:memory:` KV with deterministic randomness. */
export async function startTestTracker(options: AppOptions = {}): Promise<TestTracker> {
  const kv = await Deno.openKv(":memory:");
  const app = createApp(new KvStore(kv, new Rng(7)), { rng: new Rng(8), ...options });
  const call: Caller = async (method, path, body, ip = "198.51.100.1") => {
    const res = await app.request(path, { method, body: encodeBody(body) }, { remoteAddr: ip });
    return answer(res);
  };
  return { kv, app, call, close: () => kv.close() };
}
