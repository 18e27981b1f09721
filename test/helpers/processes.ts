import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = "src/cli/index.ts";

/** Ports the OS says are free right now, on 127.0.0.1. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export { freePortBlock } from "../../src/run/ports.js";

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A CLI process; `done` settles when it exits. Killed by `killAll` if a test forgets it. */
export interface CliProcess {
  child: ChildProcess;
  done: Promise<Finished>;
}

const live = new Set<ChildProcess>();

/**
 * Starts `clocklab ARGS` from source as a real OS process, killed after `limitMs` at the latest.
 * `prefix` runs it through another command that execs it (e.g. `ip netns exec NS`).
 */
export function startCli(args: string[], limitMs = 30_000, prefix: string[] = []): CliProcess {
  const command = [...prefix, process.execPath, "--import", "tsx", CLI, ...args];
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const limit = setTimeout(() => child.kill("SIGKILL"), limitMs);
  const done = new Promise<Finished>((resolve) => {
    child.once("exit", (code, signal) => {
      clearTimeout(limit);
      live.delete(child);
      // Let the pipes flush what the process wrote last.
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
  return { child, done };
}

/** Kills every process `startCli` started that is still alive; for `after` hooks. */
export function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}

/** The peers of `port` among `ports`, as --others values. */
export function othersOf(ports: number[], port: number): string[] {
  return ports.filter((p) => p !== port).map(String);
}
