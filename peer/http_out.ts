/**
 * `--http ADDR`: serves the stream to players over HTTP. A client joins the stream midway, so
 * each one gets it through a TsGate of its own, as stdout does (ts_gate.ts): from the next
 * clean entry point on (PAT, PMT, keyframe), not from mid-GOP packets a player cannot decode.
 * A client that falls more than MAX_BEHIND bytes behind is cut off rather than buffered
 * without bound.
 */
import { parseAddr } from "../lib/net/addr.ts";
import { type HttpServer, serveHttp } from "../lib/net/runtime.ts";
import { TsGate } from "./ts_gate.ts";

/** Bytes a slow client may lag before it is dropped. */
export const MAX_BEHIND = 8 << 20;

/** One HTTP client: its stream, and its gate (none with `--raw`). */
interface Client {
  ctl: ReadableStreamDefaultController<Uint8Array>;
  readonly gate: TsGate | undefined;
}

/** The stream's HTTP fan-out. */
export class HttpOut {
  readonly #clients = new Set<Client>();
  readonly #gate: boolean;
  #server: HttpServer | undefined;

  /** `gate: false` (`--raw`) gives every client the stream from the next block on. */
  constructor(opts: { readonly gate?: boolean } = {}) {
    this.#gate = opts.gate ?? true;
  }

  /** Listens on `addr` ("host:port"); resolves with the bound address. */
  async listen(addr: string): Promise<string> {
    const hp = parseAddr(addr.replace(/:0$/, ":1"))!;
    const port = addr.endsWith(":0") ? 0 : hp.port;
    this.#server = await serveHttp(hp.hostname, port, (req) => this.#handle(req));
    return this.#server.addr;
  }

  /** Clients connected now. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Hands bytes played at `now` (ms, for the gates' give-up time) to every client. */
  write(now: number, bytes: Uint8Array): void {
    for (const c of this.#clients) {
      if ((c.ctl.desiredSize ?? 0) < -MAX_BEHIND) {
        this.#clients.delete(c);
        try {
          c.ctl.error(new Error("client too slow"));
        } catch { /* already gone */ }
        continue;
      }
      if (!c.gate) c.ctl.enqueue(bytes);
      else for (const part of c.gate.push(now, bytes)) c.ctl.enqueue(part);
    }
  }

  /** Ends every client's stream and stops listening. */
  async close(): Promise<void> {
    for (const c of this.#clients) {
      try {
        c.ctl.close();
      } catch { /* already gone */ }
    }
    this.#clients.clear();
    await this.#server?.close();
  }

  #handle(req: Request): Response {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("GET the stream\n", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    const headers = { "content-type": "video/mp2t", "cache-control": "no-store" };
    if (req.method === "HEAD") return new Response(null, { headers });
    const client: Client = {
      ctl: undefined as unknown as ReadableStreamDefaultController<Uint8Array>,
      gate: this.#gate ? new TsGate() : undefined,
    };
    const body = new ReadableStream<Uint8Array>({
      start: (ctl) => {
        client.ctl = ctl;
        this.#clients.add(client);
      },
      cancel: () => {
        this.#clients.delete(client);
      },
    }, { highWaterMark: 0, size: (chunk) => chunk.byteLength });
    return new Response(body, { headers });
  }
}
