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

/** Parses `PORT` or `HOST:PORT` (IPv6 as `[::1]:PORT`). The peer's id is the port part. */
export function parsePeer(value: string, defaultHost = DEFAULT_HOST): PeerAddress {
  const match = /^(?:\[([^\]]+)\]:|([^:]+):)?(\d+)$/.exec(value.trim());
  if (match === null) {
    throw new UsageError(`--others: expected PORT or HOST:PORT, got "${value}"`);
  }
  const port = parsePort(match[3] ?? "", "--others");
  return { id: String(port), host: match[1] ?? match[2] ?? defaultHost, port };
}

/** Formats an address for a URL (`tcp://HOST:PORT`), bracketing IPv6 hosts. */
export function hostPort(address: Pick<PeerAddress, "host" | "port">): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}
