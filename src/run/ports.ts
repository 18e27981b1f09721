import { createServer } from "node:net";
import { UsageError } from "../errors.js";

/** Resolves if `port` can be bound on `host` right now; rejects with the OS error otherwise. */
function probe(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** Checks every port before anything starts, so a run never dies halfway on a taken port. */
export async function checkPortsFree(host: string, ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    if (port > 65535) throw new UsageError(`--base-port: ports run up to ${ports.at(-1)}, past 65535`);
    try {
      await probe(host, port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === "EADDRINUSE" ? "is already in use" : `cannot be bound on ${host} (${code ?? "error"})`;
      throw new UsageError(`--base-port: port ${port} ${why}; pick another --base-port`);
    }
  }
}

/** A first port with `count` consecutive ports free above it on 127.0.0.1 (for `--base-port`). */
export async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * (40000 - count));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    try {
      await checkPortsFree("127.0.0.1", ports);
      return base;
    } catch {
      // taken: another block
    }
  }
  throw new Error(`no block of ${count} free ports found`);
}
