/**
 * Reading a JSON request body under a size cap. The cap is enforced while streaming, so a
 * client that lies about (or omits) Content-Length still cannot make the tracker buffer
 * more than the cap.
 */

/** A parsed body, or the HTTP status and message to refuse it with. */
export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 413; readonly error: string };

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Reads and parses a JSON body of at most `maxBytes` bytes. Never throws. */
export async function readJson(req: Request, maxBytes: number): Promise<BodyResult> {
  const tooBig = { ok: false, status: 413, error: `body over ${maxBytes} bytes` } as const;
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return tooBig;
  if (req.body === null) return { ok: false, status: 400, error: "empty body: expected JSON" };
  if (req.headers.has("content-length")) {
    // The server holds a body to its declared length, which is within the cap: read it whole.
    let buf: ArrayBuffer;
    try {
      buf = await req.arrayBuffer();
    } catch {
      return { ok: false, status: 400, error: "body could not be read" };
    }
    return buf.byteLength > maxBytes ? tooBig : parse(new Uint8Array(buf));
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        return tooBig;
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, status: 400, error: "body could not be read" };
  }
  const bytes = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    bytes.set(c, o);
    o += c.byteLength;
  }
  return parse(bytes);
}

function parse(bytes: Uint8Array): BodyResult {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, status: 400, error: "body is not UTF-8" };
  }
  if (text.trim() === "") return { ok: false, status: 400, error: "empty body: expected JSON" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const why = err instanceof SyntaxError ? `: ${err.message}` : "";
    return { ok: false, status: 400, error: `malformed JSON${why}` };
  }
}
