import { type ChildProcess, spawn } from "node:child_process";
import { Socket } from "node:net";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = "src/cli/index.ts";

/**
 * Ports free right now on 127.0.0.1, below the OS's ephemeral range: a port handed out by the
 * OS (port 0) could be taken again by a VM's outgoing connection before the VM binds it.
 */
export async function freePorts(count: number): Promise<number[]> {
  const base = await freePortBlock(count);
  return Array.from({ length: count }, (_, i) => base + i);
}

import { freePortBlock } from "../../src/run/ports.js";

export { freePortBlock };

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
  return startProcess(command[0] as string, command.slice(1), limitMs);
}

/**
 * Starts any program from the project's root as a real OS process, its output kept, killed after
 * `limitMs` at the latest and by `killAll`.
 */
export function startProcess(program: string, args: string[], limitMs = 30_000): CliProcess {
  const child = spawn(program, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
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

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills every process `startCli` or `startProcess` started that is still alive; for `after` hooks. */
export function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}

/** The peers of `port` among `ports`, as --others values. */
export function othersOf(ports: number[], port: number): string[] {
  return ports.filter((p) => p !== port).map(String);
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
    s.connect(port, "127.0.0.1");
  });
}
