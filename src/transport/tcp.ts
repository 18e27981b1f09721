import { createConnection, createServer, type Server, type Socket } from "node:net";
import { FrameReader, lengthPrefixed, MAX_STREAM_FRAME } from "./framing.js";
import { listenOn, type PeerSender, PeerSenders } from "./peers.js";
import type { PeerAddress, Transport, TransportHandlers, TransportOptions } from "./transport.js";

export interface TcpTransportOptions extends TransportOptions {
  /** First reconnect delay in ms; doubles up to `maxBackoffMs`. @default 50 */
  backoffMs?: number;
  /** @default 1000 */
  maxBackoffMs?: number;
  /** @default 200 */
  linger?: number;
  /**
   * A connection that stops halfway through a frame and sends nothing more for this long is
   * dropped (and the broken frame counted), so stalled senders cannot pin memory. @default 5000
   */
  stalledFrameMs?: number;
  /** Incoming connections at most; more are refused and counted. @default 256 */
  maxConnections?: number;
}

/** One outgoing connection to a peer, with its queue of frames waiting for the connection. */
class Link implements PeerSender {
  #socket: Socket | undefined;
  #connected = false;
  #queue: Buffer[] = [];
  #delay: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly peer: PeerAddress,
    private readonly opts: { backoffMs: number; maxBackoffMs: number },
  ) {
    this.#delay = opts.backoffMs;
    this.#connect();
  }

  /** Frames not yet handed to a connected socket, plus what the socket still buffers. */
  get unsent(): number {
    return this.#queue.length + ((this.#socket?.writableLength ?? 0) > 0 ? 1 : 0);
  }

  send(frame: Uint8Array): void {
    const bytes = lengthPrefixed(frame);
    if (this.#connected && this.#socket !== undefined) this.#socket.write(bytes);
    else this.#queue.push(bytes);
  }

  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (this.#queue.length > 0 || (this.#socket?.writableLength ?? 0) > 0)) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.end();
    this.#socket?.destroySoon();
  }

  #connect(): void {
    if (this.#closed) return;
    const socket = createConnection({ host: this.peer.host, port: this.peer.port });
    socket.setNoDelay(true);
    this.#socket = socket;
    socket.on("connect", () => {
      this.#connected = true;
      this.#delay = this.opts.backoffMs;
      // Flush what waited, in order, before anything new is written.
      for (const bytes of this.#queue.splice(0)) socket.write(bytes);
    });
    // Nothing is expected back; reading keeps the socket from stalling on a chatty peer.
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.on("close", () => {
      this.#connected = false;
      if (this.#closed) return;
      this.#timer = setTimeout(() => this.#connect(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, this.opts.maxBackoffMs);
    });
  }
}

/**
 * Raw TCP bus, the protocol students write by hand: each frame is a 4-byte big-endian length and
 * the same msgpack message. One outgoing connection per peer, reconnected with backoff; frames
 * wait in a queue while a peer is down. TCP names no sender, so `from` is checked by the VM alone.
 */
export function createTcpTransport(options: TcpTransportOptions): Transport {
  const backoff = { backoffMs: options.backoffMs ?? 50, maxBackoffMs: options.maxBackoffMs ?? 1000 };
  const links = new PeerSenders<Link>();
  const accepted = new Set<Socket>();
  let server: Server | undefined;

  function accept(socket: Socket, h: TransportHandlers): void {
    accepted.add(socket);
    socket.setNoDelay(true);
    const reader = new FrameReader((frame) => h.frame(frame, undefined));
    // Each broken stream is counted once, however it ends.
    let dropped = false;
    const drop = (why: string): void => {
      if (dropped) return;
      dropped = true;
      h.fault(why);
      socket.destroy();
    };
    socket.setTimeout(options.stalledFrameMs ?? 5000);
    socket.on("timeout", () => {
      if (reader.buffered > 0) drop(`frame stalled with ${reader.buffered} bytes read; connection dropped`);
    });
    socket.on("data", (chunk: Buffer) => {
      if (!reader.push(chunk)) drop(`frame longer than ${MAX_STREAM_FRAME} bytes; connection dropped`);
    });
    socket.on("close", () => {
      accepted.delete(socket);
      if (reader.buffered > 0) drop(`connection closed inside a frame (${reader.buffered} bytes unread)`);
    });
    socket.on("error", () => {});
  }

  return {
    name: "tcp",
    async start(h: TransportHandlers): Promise<void> {
      const srv = createServer((socket) => accept(socket, h));
      srv.maxConnections = options.maxConnections ?? 256;
      srv.on("drop", () => h.fault(`more than ${srv.maxConnections} connections; one refused`));
      await listenOn(srv, options.self);
      server = srv;
      for (const peer of options.peers) links.add(peer.id, new Link(peer, backoff));
    },
    send(peerId: string, frame: Uint8Array): void {
      links.send(peerId, frame);
    },
    async close(lingerMs = options.linger ?? 200): Promise<number> {
      const unsent = await links.close(lingerMs);
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) =>
        server === undefined ? resolve() : server.close(() => resolve()),
      );
      server = undefined;
      return unsent;
    },
  };
}
