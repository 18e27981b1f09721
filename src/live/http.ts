import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname } from "node:path";
import { SetupError } from "../base/errors.js";
import { SERVED_TYPES, segmentsOf } from "./files.js";

/**
 * Everything the pages may load comes from this server: no CDN, no other origin, so a page
 * works offline and cannot be made to send what it shows anywhere else.
 */
const HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** The server could not listen: on `field`, the port or the host address it was given. */
export class ListenError extends SetupError {
  constructor(
    message: string,
    readonly field: "port" | "host",
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/** Answers one GET, given its path as decoded, safe segments. Returns false for "not found". */
export type Route = (
  segments: string[],
  req: IncomingMessage,
  res: ServerResponse,
) => boolean | Promise<boolean>;

/** A started server: where it listens, and how to stop it leaving nothing behind. */
export interface PageServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Sends `body` with status 200 and the type its name or `type` says. */
export function reply(res: ServerResponse, body: string | Buffer, type: string): void {
  res.writeHead(200, { ...HEADERS, "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** Sends the file at `path` (already checked to be one that may be served). */
export function replyFile(res: ServerResponse, path: string): void {
  reply(res, readFileSync(path), SERVED_TYPES[extname(path)] ?? "application/octet-stream");
}

function fail(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...HEADERS, ...extra, "Content-Type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}

/**
 * Listens on host:port (port 0: any free one) and answers GET requests with `route`; any other
 * method is refused (405), any path that is not safe or not routed is 404. A taken port, an
 * address this machine does not have, or a refused port is one ListenError naming which.
 */
export async function startServer(host: string, port: number, route: Route): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET") return fail(res, 405, "only GET", { Allow: "GET" });
    const url = new URL(req.url ?? "/", "http://page");
    const segments = segmentsOf(url.pathname);
    if (segments === undefined) return fail(res, 404, "not found");
    Promise.resolve(route(segments, req, res)).then(
      (found) => {
        if (!found && !res.headersSent) fail(res, 404, "not found");
      },
      (err: unknown) => {
        if (!res.headersSent) fail(res, 500, err instanceof Error ? err.message : String(err));
        else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const why =
        err.code === "ENOTFOUND" || err.code === "EAI_AGAIN"
          ? `${host} does not resolve to an address`
          : err.code === "EADDRINUSE"
            ? `${port} is already in use`
            : err.code === "EADDRNOTAVAIL"
              ? `${host} is not an address of this machine`
              : err.code === "EACCES"
                ? `port ${port} needs privileges (use one above 1023)`
                : `cannot listen on ${host}:${port} (${err.code ?? err.message})`;
      const hostFault = ["EADDRNOTAVAIL", "ENOTFOUND", "EAI_AGAIN"].includes(err.code ?? "");
      reject(new ListenError(why, hostFault ? "host" : "port", err));
    });
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}/`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Streams and kept-alive connections would hold the port open: end them now.
        server.closeAllConnections();
      }),
  };
}
