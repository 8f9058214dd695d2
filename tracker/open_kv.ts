/**
 * Opens the tracker's Deno KV from a `--kv` setting: ":memory:" (tests), an http(s) URL (a
 * self-hosted denokv server; the access token comes from DENO_KV_ACCESS_TOKEN), or a file
 * path (embedded SQLite, the default). No setting at all opens the platform default, which
 * on Deno Deploy is its distributed KV.
 */

/** How a `--kv` setting is read. */
export function kvKind(spec: string | undefined): "default" | "memory" | "remote" | "file" {
  if (spec === undefined || spec === "") return "default";
  if (spec === ":memory:") return "memory";
  if (/^https?:\/\//i.test(spec)) return "remote";
  return "file";
}

/** Opens the KV a setting names. Needs --unstable-kv. */
export function openKv(spec: string | undefined): Promise<Deno.Kv> {
  return kvKind(spec) === "default" ? Deno.openKv() : Deno.openKv(spec);
}

/**
 * {@link openKv}, or the one-line reason it failed (`cannot open KV "<spec>": ...`), for the
 * programs to print instead of a stack.
 */
export async function openKvOrWhy(spec: string | undefined): Promise<Deno.Kv | string> {
  try {
    return await openKv(spec);
  } catch (err) {
    const what = kvKind(spec) === "default" ? "the default KV" : `KV "${spec}"`;
    return `cannot open ${what}: ${err instanceof Error ? err.message : err}`;
  }
}
