import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Duplex } from "node:stream";
import { MAX_STREAM_FRAME } from "./framing.js";
import { listenOn, type PeerSender, PeerSenders } from "./peers.js";
import type { PeerAddress, Transport, TransportHandlers, TransportOptions } from "./transport.js";

/** The one path a VM accepts messages on. */
export const MESSAGE_PATH = "/v1/message";

export interface HttpTransportOptions extends TransportOptions {
  /** Requests in flight per peer; more than one lets requests overtake each other. @default 4 */
  concurrency?: number;
  /** First retry delay in ms while a peer is down; doubles up to 1000. @default 50 */
  backoffMs?: number;
  /** @default 200 */
  linger?: number;
  /** A request not complete (headers and body) this long after it began is dropped. @default 5000 */
  requestTimeoutMs?: number;
  /** Incoming connections at most; more are refused and counted. @default 256 */
  maxConnections?: number;
}

/** One peer: a keep-alive agent, a queue, and up to `concurrency` POSTs in flight. */
class Poster implements PeerSender {
  readonly #agent: Agent;
  readonly #queue: Uint8Array[] = [];
  #inFlight = 0;
  #delay: number;
  #waiting = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly peer: PeerAddress,
    private readonly concurrency: number,
    private readonly backoffMs: number,
  ) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    this.#delay = backoffMs;
  }

  get unsent(): number {
    return this.#queue.length + this.#inFlight;
  }

  send(frame: Uint8Array): void {
    this.#queue.push(frame);
    this.#pump();
  }

  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.unsent > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#agent.destroy();
  }

  #pump(): void {
    while (!this.#closed && !this.#waiting && this.#inFlight < this.concurrency && this.#queue.length > 0) {
      this.#post(this.#queue.shift() as Uint8Array);
    }
  }

  #post(frame: Uint8Array): void {
    this.#inFlight += 1;
    const req = request({
      host: this.peer.host,
      port: this.peer.port,
      method: "POST",
      path: MESSAGE_PATH,
      agent: this.#agent,
      headers: { "content-type": "application/msgpack", "content-length": frame.byteLength },
    });
    const done = (retry: boolean): void => {
      this.#inFlight -= 1;
      if (retry && !this.#closed) {
        // The peer is not up (yet): keep the frame first in line and try again later.
        this.#queue.unshift(frame);
        this.#backOff();
      } else {
        this.#delay = this.backoffMs;
      }
      this.#pump();
    };
    req.on("response", (res: IncomingMessage) => {
      res.resume();
      res.on("end", () => done(false));
    });
    req.on("error", () => done(true));
    req.end(frame);
  }

  #backOff(): void {
    if (this.#waiting) return;
    this.#waiting = true;
    this.#timer = setTimeout(() => {
      this.#waiting = false;
      this.#pump();
    }, this.#delay);
    this.#delay = Math.min(this.#delay * 2, 1000);
  }
}

function reply(res: ServerResponse, status: number): void {
  res.writeHead(status, { "content-length": 0 });
  res.end();
}

/**
 * HTTP bus, the web-framework approach: each message is one POST with a msgpack body to
 * MESSAGE_PATH, over keep-alive connections. Several requests per peer may be in flight, so
 * messages can arrive out of order; the VM's per-sender reorder buffer puts them back.
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const posters = new PeerSenders<Poster>();
  let server: Server | undefined;
  /** Connections whose current request's body is being read. */
  const reading = new WeakSet<Duplex>();

  function handle(req: IncomingMessage, res: ServerResponse, h: TransportHandlers): void {
    const refusal =
      req.url !== MESSAGE_PATH
        ? { status: 404, why: "unknown path" }
        : req.method !== "POST"
          ? { status: 405, why: "method not allowed" }
          : undefined;
    if (refusal !== undefined) {
      h.fault(`http: ${req.method} ${String(req.url).slice(0, 80)}: ${refusal.why}`);
      // Read the body to its end before answering, or its bytes would be parsed as the next
      // request on this keep-alive connection.
      req.on("end", () => reply(res, refusal.status));
      req.on("error", () => {});
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    reading.add(req.socket);
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_STREAM_FRAME) chunks.push(chunk);
    });
    req.on("end", () => {
      reading.delete(req.socket);
      if (size > MAX_STREAM_FRAME) {
        h.fault(`http: body of ${size} bytes is over ${MAX_STREAM_FRAME}`);
        reply(res, 413);
        return;
      }
      h.frame(Buffer.concat(chunks), undefined);
      reply(res, 204);
    });
    req.on("error", () => {
      reading.delete(req.socket);
      h.fault("http: request broke off");
    });
  }

  /**
   * Bytes that are not HTTP, or a request that stalls: counted once per connection, which node
   * then closes. An error on a request already being read is counted by that request instead.
   */
  function clientError(err: NodeJS.ErrnoException, socket: Duplex, h: TransportHandlers): void {
    if (socket.destroyed) return;
    const detail = err.code ?? err.message;
    if (reading.has(socket)) socket.destroy();
    else {
      h.fault(`http: ${detail.slice(0, 80)}`);
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      socket.destroy();
    }
  }

  return {
    name: "http",
    async start(h: TransportHandlers): Promise<void> {
      const timeout = options.requestTimeoutMs ?? 5000;
      const srv = createServer(
        {
          keepAliveTimeout: 10_000,
          requestTimeout: timeout,
          headersTimeout: timeout,
          // How often node looks for requests past their timeout (its default is 30 s).
          connectionsCheckingInterval: Math.min(1000, timeout),
        },
        (req, res) => handle(req, res, h),
      );
      srv.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => clientError(err, socket, h));
      srv.maxConnections = options.maxConnections ?? 256;
      srv.on("drop", () => h.fault(`http: more than ${srv.maxConnections} connections; one refused`));
      await listenOn(srv, options.self);
      server = srv;
      for (const peer of options.peers) {
        posters.add(peer.id, new Poster(peer, options.concurrency ?? 4, options.backoffMs ?? 50));
      }
    },
    send(peerId: string, frame: Uint8Array): void {
      posters.send(peerId, frame);
    },
    async close(lingerMs = options.linger ?? 200): Promise<number> {
      const unsent = await posters.close(lingerMs);
      const srv = server;
      server = undefined;
      if (srv !== undefined) {
        srv.closeAllConnections();
        await new Promise<void>((resolve) => srv.close(() => resolve()));
      }
      return unsent;
    },
  };
}
