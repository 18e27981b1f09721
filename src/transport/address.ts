import { lookup } from "node:dns/promises";
import { isIP, isIPv4 } from "node:net";
import { UsageError } from "../base/errors.js";
import type { PeerAddress } from "./transport.js";

/** Where VMs listen unless `--host` says otherwise: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";

/**
 * A refused address: `field` names the input at fault (`port`, `peers`, `host`), which cli/ tells
 * as its flag. The OS error, if any, is in `reason`, not in `cause`: one short line to print.
 */
export class AddressError extends UsageError {
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly reason?: unknown,
  ) {
    super({ field, detail });
  }
}

/** Parses a port: an integer 1-65535. `field` names the input, for the error. */
export function parsePort(value: string, field: string): number {
  const port = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AddressError(field, `expected an integer 1-65535, got "${value}"`);
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
 * Why the OS refuses to listen on a host, by error code: the host's fault, not the port's. The
 * codes of a listen (net) and of a bind (libzmq, which answers ENODEV for a name it cannot find).
 */
const HOST_REFUSALS: Readonly<Record<string, string>> = {
  EADDRNOTAVAIL: "not an address of this machine",
  ENOTFOUND: "no such host",
  ENODEV: "no such host",
  EAI_AGAIN: "the name did not resolve",
  EAFNOSUPPORT: "address family not supported here",
};

/**
 * The refusal of a listen on `host` (err: the OS error) when the host is at fault: an address of
 * another machine, a name that does not resolve. Undefined when it is another fault (a port in use).
 */
export function hostRefusal(err: unknown, host: string): AddressError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = code === undefined ? undefined : HOST_REFUSALS[code];
  return why === undefined
    ? undefined
    : new AddressError("host", `cannot listen on ${host}: ${why} (${code})`, err);
}

/**
 * hostRefusal for a failed bind whose own error does not tell (libzmq answers EAGAIN for a name
 * that does not resolve): looks the name up, only then, and says why it does not resolve.
 */
export async function lookupRefusal(err: unknown, host: string): Promise<AddressError | undefined> {
  const refused = hostRefusal(err, host);
  if (refused !== undefined || isIP(host) !== 0) return refused;
  try {
    await lookup(host);
    return undefined;
  } catch (failed) {
    return hostRefusal(failed, host);
  }
}

/**
 * Parses `PORT` or `HOST:PORT` (IPv6 as `[::1]:PORT`). The peer's id is the port part. Errors
 * name the field `peers`.
 */
export function parsePeer(value: string, defaultHost = DEFAULT_HOST): PeerAddress {
  const match = /^(?:\[([^\]]+)\]:|([^:]+):)?(\d+)$/.exec(value.trim());
  if (match === null) {
    throw new AddressError("peers", `expected PORT or HOST:PORT, got "${value}"`);
  }
  const host = match[1] ?? match[2] ?? defaultHost;
  if (!isHost(host)) {
    throw new AddressError(
      "peers",
      `expected PORT or HOST:PORT with HOST an IP address or a name, got "${value}"`,
    );
  }
  const port = parsePort(match[3] ?? "", "peers");
  return { id: String(port), host, port };
}

/** Formats an address for a URL (`tcp://HOST:PORT`), bracketing IPv6 hosts. */
export function hostPort(address: Pick<PeerAddress, "host" | "port">): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}
