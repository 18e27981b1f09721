import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Cell, CellResult, SweepSettings } from "./cell.js";

/**
 * Runs cells on `workers` child processes (one V8 each, so the cores work in parallel, and the
 * same loader flags as this process, so it also works from the TypeScript sources), in any
 * order; returns results in the order of `cells`.
 */
export async function runCells(
  cells: Cell[],
  settings: SweepSettings,
  workers: number,
  onDone?: (done: number, total: number) => void,
): Promise<CellResult[]> {
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const script = fileURLToPath(new URL(`./worker.${ext}`, import.meta.url));
  const results: CellResult[] = new Array(cells.length);
  let next = 0;
  let done = 0;
  const children: ChildProcess[] = Array.from({ length: Math.max(1, Math.min(workers, cells.length)) }, () =>
    fork(script, [], {
      execArgv: process.execArgv,
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
  );
  try {
    await Promise.all(
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
              feed();
            });
            child.once("exit", (code) => {
              if (next < cells.length || done < cells.length)
                reject(new Error(`a sweep worker exited with code ${code}`));
            });
            child.once("error", reject);
            feed();
          }),
      ),
    );
  } finally {
    for (const child of children) child.disconnect?.();
  }
  return results;
}
