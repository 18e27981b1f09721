import { createServer, isIP, isIPv4 } from "node:net";
import { UsageError } from "../errors.js";
import type { PeerAddress } from "./transport.js";

/** Where VMs listen unless `--host` says otherwise: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";

/** Parses a port flag value: an integer 1-65535. */
export function parsePort(value: string, flag: string): number {
  const port = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`${flag}: expected an integer 1-65535, got "${value}"`);
  }
  return port;
}

/**
 * Whether `value` can name a host: an IPv4 or IPv6 literal, or a DNS name (RFC 1123 labels of
 * letters, digits and hyphens). A dotted quad that is not a valid IPv4 address (`999.1.1.1`) is
 * neither, though every label of it would pass as a name.
 */
export function isHost(value: string): boolean {
  if (isIP(value) !== 0) return true;
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.replace(/\.$/, "").split(".");
  if (labels.every((l) => /^\d+$/.test(l))) return isIPv4(value);
  return labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
}

/**
 * Why nothing can listen on `host` (a port chosen by the OS), or undefined when something can:
 * catches an address of another machine or a name that does not resolve before anything starts.
 */
export function listenProblem(host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      const why: Record<string, string> = {
        EADDRNOTAVAIL: "not an address of this machine",
        ENOTFOUND: "no such host",
        EAI_AGAIN: "the name did not resolve",
        EAFNOSUPPORT: "address family not supported here",
        EACCES: "permission denied",
      };
      const code = err.code ?? "error";
      resolve(`${why[code] ?? err.message} (${code})`);
    });
    server.listen({ host, port: 0, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Parses `PORT` or `HOST:PORT` (IPv6 as `[::1]:PORT`). The peer's id is the port part. */
export function parsePeer(value: string, defaultHost = DEFAULT_HOST): PeerAddress {
  const match = /^(?:\[([^\]]+)\]:|([^:]+):)?(\d+)$/.exec(value.trim());
  if (match === null) {
    throw new UsageError(`--others: expected PORT or HOST:PORT, got "${value}"`);
  }
  const host = match[1] ?? match[2] ?? defaultHost;
  if (!isHost(host)) {
    throw new UsageError(
      `--others: expected PORT or HOST:PORT with HOST an IP address or a name, got "${value}"`,
    );
  }
  const port = parsePort(match[3] ?? "", "--others");
  return { id: String(port), host, port };
}

/** Formats an address for a URL (`tcp://HOST:PORT`), bracketing IPv6 hosts. */
export function hostPort(address: Pick<PeerAddress, "host" | "port">): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}
