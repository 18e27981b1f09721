import type { ServerResponse } from "node:http";

/** A page that stops reading is let go before its backlog reaches this (bytes). */
const MAX_BACKLOG = 32 * 1024 * 1024;
/** A comment line now and then keeps proxies and idle timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/** One page's server-sent event stream. */
export class SseStream {
  #open = true;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    onClose: () => void,
  ) {
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    // After a dropped connection the browser asks again in a second and gets the whole story.
    res.write("retry: 1000\n\n");
    this.#heartbeat = setInterval(() => this.#write(": still here\n\n"), HEARTBEAT_MS);
    this.#heartbeat.unref();
    res.on("close", () => {
      this.#open = false;
      clearInterval(this.#heartbeat);
      onClose();
    });
  }

  get open(): boolean {
    return this.#open;
  }

  /** Sends event `name` with `json` as its data (one line: JSON text holds no raw newline). */
  send(name: string, json: string): void {
    this.#write(`event: ${name}\ndata: ${json}\n\n`);
  }

  close(): void {
    if (this.#open) this.res.end();
  }

  #write(text: string): void {
    if (!this.#open) return;
    this.res.write(text);
    // A page in a background tab, or gone without closing: not worth the server's memory.
    if (this.res.writableLength > MAX_BACKLOG) this.res.destroy();
  }
}
