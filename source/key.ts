/**
 * The source's key file: the channel's ed25519 secret key, which is the channel's identity
 * (the channel id is its public key). Kept as one line of JSON, readable only by its owner
 * (mode 0600), so that restarting the source keeps its channel.
 *
 *     {"clubcast":"source-key/v1","channel":"<channel id>","secret":"<base64url, 32 bytes>"}
 */
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { decodeBase64Url, encodeBase64Url } from "../lib/channel/base64url.ts";
import { channelIdOf } from "../lib/channel/channel_id.ts";
import { fsReason } from "../lib/net/fs_reason.ts";

/** A loaded key. */
export interface SourceKey {
  readonly secret: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly channel: string;
}

const KIND = "source-key/v1";

// @noble/ed25519 v3's synchronous API needs a sha512 (lib/auth and lib/channel set it too).
ed.hashes.sha512 = sha512;

/**
 * Where the key lives when `--key` is not given: `$XDG_CONFIG_HOME/clubcast/source.key`
 * (default `~/.config/clubcast/source.key`); on Windows `%APPDATA%\clubcast\source.key`.
 * Undefined without any of those variables: a key made in whatever folder the program ran
 * from would be a channel lost at the next run from elsewhere.
 */
export function defaultKeyPath(env: (name: string) => string | undefined): string | undefined {
  const appData = env("APPDATA");
  if (appData) return join(appData, "clubcast", "source.key");
  const home = env("HOME");
  const base = env("XDG_CONFIG_HOME") || (home ? join(home, ".config") : undefined);
  return base === undefined ? undefined : join(base, "clubcast", "source.key");
}

/** True iff `path` is a directory (a key path that cannot be a key file). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The key for a 32-byte secret. */
export function keyOf(secret: Uint8Array): SourceKey {
  if (secret.length !== 32) throw new RangeError("an ed25519 secret key is 32 bytes");
  const publicKey = ed.getPublicKey(secret);
  return { secret, publicKey, channel: channelIdOf(publicKey) };
}

/** A fresh random key. */
export function generateKey(): SourceKey {
  return keyOf(crypto.getRandomValues(new Uint8Array(32)));
}

/** The file text of a key. */
export function keyText(key: SourceKey): string {
  const secret = encodeBase64Url(key.secret);
  return `${JSON.stringify({ clubcast: KIND, channel: key.channel, secret })}\n`;
}

/** Parses a key file's text; an Error says what is wrong with it. */
export function parseKey(text: string): SourceKey | Error {
  let v: { clubcast?: unknown; secret?: unknown; channel?: unknown };
  try {
    v = JSON.parse(text);
  } catch {
    return new Error("not a clubcast key file (not JSON)");
  }
  if (v?.clubcast !== KIND) return new Error(`not a clubcast key file (want "${KIND}")`);
  const secret = typeof v.secret === "string" ? decodeBase64Url(v.secret) : null;
  if (!secret || secret.length !== 32) return new Error("the key file's secret is not 32 bytes");
  const key = keyOf(secret);
  if (v.channel !== undefined && v.channel !== key.channel) {
    return new Error("the key file's channel does not match its secret");
  }
  return key;
}

/** Reads a key file; an Error says why it cannot be used. */
export function readKey(path: string): SourceKey | Error {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return new Error(`cannot read ${path}: ${fsReason(e)}`);
  }
  const key = parseKey(text);
  return key instanceof Error ? new Error(`${path}: ${key.message}`) : key;
}

/**
 * Writes a new key file with mode 0600 (its folder is made with 0700 when missing). Refuses
 * to replace an existing file unless `force`: losing a key loses the channel.
 */
export function writeKey(path: string, key: SourceKey, force = false): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, keyText(key), { mode: 0o600, flag: force ? "w" : "wx" });
  try {
    chmodSync(path, 0o600); // "w" on an existing file keeps its old mode
  } catch { /* Windows has no such modes */ }
}

/** Reads the key at `path`, making and saving a new one there if there is none. */
export function loadOrCreateKey(path: string): { key: SourceKey; created: boolean } | Error {
  const existing = readKey(path);
  if (!(existing instanceof Error)) return { key: existing, created: false };
  try {
    readFileSync(path);
    return existing; // the file is there but unusable: never overwrite it
  } catch { /* no file: make one */ }
  const key = generateKey();
  try {
    writeKey(path, key);
  } catch (e) {
    return new Error(`cannot write a new key to ${path}: ${(e as Error).message}`);
  }
  return { key, created: true };
}
