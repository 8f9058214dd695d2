/**
 * A minimal HTTP/1.1 keep-alive client over Deno.connect, for load generation only. Deno's
 * fetch client tops out near 4k requests/s on this 2-core machine (it measured GET /healthz
 * at ~4.1k/s), which would benchmark the client rather than the tracker; this one writes
 * one request and reads one Content-Length-framed response at a time on its own connection.
 */

const encoder = new TextEncoder();
const CRLF2 = [13, 10, 13, 10];

function indexOfHeaderEnd(buf: Uint8Array, len: number): number {
  for (let i = 0; i + 3 < len; i++) {
    if (buf[i] === CRLF2[0] && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

/** One keep-alive connection that sends requests one after another. */
export class RawHttpConnection {
  readonly #conn: Deno.TcpConn;
  readonly #host: string;
  #buf = new Uint8Array(64 * 1024);
  #len = 0;

  private constructor(conn: Deno.TcpConn, host: string) {
    this.#conn = conn;
    this.#host = host;
  }

  /** Connects to `url`'s host and port (http only). */
  static async open(url: string): Promise<RawHttpConnection> {
    const u = new URL(url);
    const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port || 80) });
    conn.setNoDelay(true);
    return new RawHttpConnection(conn, u.host);
  }

  /** Sends a request and resolves with the status and body bytes of the response. */
  async request(
    method: string,
    path: string,
    body?: string,
  ): Promise<{ status: number; body: Uint8Array }> {
    const payload = body === undefined ? new Uint8Array(0) : encoder.encode(body);
    const head = `${method} ${path} HTTP/1.1\r\nhost: ${this.#host}\r\n` +
      `content-type: application/json\r\ncontent-length: ${payload.length}\r\n\r\n`;
    const msg = new Uint8Array(head.length + payload.length);
    msg.set(encoder.encode(head));
    msg.set(payload, head.length);
    for (let off = 0; off < msg.length;) off += await this.#conn.write(msg.subarray(off));
    let end = indexOfHeaderEnd(this.#buf, this.#len);
    while (end < 0) {
      await this.#fill();
      end = indexOfHeaderEnd(this.#buf, this.#len);
    }
    const headText = new TextDecoder().decode(this.#buf.subarray(0, end));
    const status = Number(headText.slice(9, 12));
    const m = headText.match(/\r\ncontent-length:\s*(\d+)/i);
    if (!m) throw new Error(`response without content-length: ${headText.slice(0, 200)}`);
    const total = end + 4 + Number(m[1]);
    while (this.#len < total) await this.#fill();
    const out = this.#buf.slice(end + 4, total);
    this.#buf.copyWithin(0, total, this.#len);
    this.#len -= total;
    return { status, body: out };
  }

  async #fill(): Promise<void> {
    if (this.#len === this.#buf.length) {
      const bigger = new Uint8Array(this.#buf.length * 2);
      bigger.set(this.#buf);
      this.#buf = bigger;
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#len));
    if (n === null) throw new Error("connection closed by the server");
    this.#len += n;
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.#conn.close();
    } catch { /* already closed */ }
  }
}
