import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Cell, CellResult, SweepSettings } from "./cell.js";

/** What runCells gives back: every cell's result, or (stopped) those done before the stop. */
export interface PoolResult {
  /** In the order of the cells; a cell not done is missing (undefined). */
  results: (CellResult | undefined)[];
  done: number;
  interrupted: boolean;
}

/**
 * Runs cells on `workers` child processes (one V8 each, so the cores work in parallel, and the
 * same loader flags as this process, so it also works from the TypeScript sources), in any
 * order; returns results in the order of `cells`. `workers` (>= 1) is used as given: the
 * caller caps it at the cells and the cores, and says how many it used. Aborting `signal` kills
 * the workers at once (they hold nothing but the cell at hand) and resolves with what was done.
 */
export async function runCells(
  cells: Cell[],
  settings: SweepSettings,
  workers: number,
  onDone?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<PoolResult> {
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const script = fileURLToPath(new URL(`./worker.${ext}`, import.meta.url));
  const results: (CellResult | undefined)[] = cells.map(() => undefined);
  let next = 0;
  let done = 0;
  if (signal?.aborted) return { results, done, interrupted: true };
  const children: ChildProcess[] = Array.from({ length: workers }, () =>
    fork(script, [], {
      execArgv: process.execArgv,
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
  );
  let stop = (): void => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const onAbort = (): void => {
    for (const child of children) child.kill("SIGKILL");
    stop();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const work = Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= cells.length) {
                resolve();
                return;
              }
              const id = next++;
              child.send({ id, cell: cells[id], settings });
            };
            child.on("message", (m: { id: number; result: CellResult }) => {
              results[m.id] = m.result;
              done += 1;
              onDone?.(done, cells.length);
              if (!signal?.aborted) feed();
            });
            child.once("exit", (code, sig) => {
              if (signal?.aborted) return;
              if (next < cells.length || done < cells.length)
                reject(new Error(`a sweep worker exited with ${sig ?? `code ${code}`}`));
            });
            // Every "error" has a listener, also one after the first or after a stop (a failed
            // kill or send): an EventEmitter throws an "error" nobody listens to.
            child.on("error", reject);
            feed();
          }),
      ),
    );
    await Promise.race([work, stopped]);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    for (const child of children) if (child.connected) child.disconnect();
  }
  return { results, done, interrupted: signal?.aborted ?? false };
}
