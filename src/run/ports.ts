import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { UsageError } from "../base/errors.js";
import { DEFAULT_HOST, hostRefusal } from "../transport/address.js";
import type { RunConfig } from "./config.js";

/** Resolves if `port` can be bound on `host` right now; rejects with the OS error otherwise. */
function probe(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** Every port a run of `run` uses: as many as its largest experiment has VMs, from `basePort` up. */
export function runPorts(run: Pick<RunConfig, "experiments" | "basePort">): number[] {
  const most = Math.max(...run.experiments.map((e) => e.vms));
  return Array.from({ length: most }, (_, i) => run.basePort + i);
}

/**
 * Checks every port before anything starts, so a run never dies halfway on a taken port. This is
 * also the check of `host`: a host nothing can listen on is an AddressError of field `host`.
 */
export async function checkPortsFree(host: string, ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    if (port > 65535) {
      throw new UsageError({ field: "basePort", detail: `ports run up to ${ports.at(-1)}, past 65535` });
    }
    try {
      await probe(host, port);
    } catch (err) {
      const refused = hostRefusal(err, host);
      if (refused !== undefined) throw refused;
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === "EADDRINUSE" ? "is already in use" : `cannot be bound on ${host} (${code ?? "error"})`;
      throw new UsageError({
        field: "basePort",
        detail: (name) => `port ${port} ${why}; pick another ${name("basePort")}`,
      });
    }
  }
}

/**
 * The range the OS takes local ports of outgoing connections from (Linux: 32768-60999). A VM
 * port inside it can be taken by another VM's connection before that VM binds it.
 */
export function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    if (lo !== undefined && hi !== undefined && lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // not Linux: assume the IANA range
  }
  return [49152, 65535];
}

/**
 * A first port with `count` consecutive ports free above it on DEFAULT_HOST (for `--base-port`),
 * below the ephemeral range, so no VM's outgoing connection can take a VM port first.
 */
export async function freePortBlock(count: number): Promise<number> {
  const top = Math.min(ephemeralRange()[0], 65536) - count;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10000 + Math.floor(Math.random() * Math.max(1, top - 10000));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    try {
      await checkPortsFree(DEFAULT_HOST, ports);
      return base;
    } catch {
      // taken: another block
    }
  }
  throw new Error(`no block of ${count} free ports found`);
}
