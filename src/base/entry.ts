import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * How to start a sibling module as a process or a worker thread: compiled (`dist/...js`) it
 * runs on node alone; from source (tests, through tsx) it is the `.ts` file with tsx loaded.
 * `relative` is resolved against `base`, the caller's `import.meta.url`.
 */
export function moduleEntry(relative: string, base: string): { path: string; execArgv: string[] } {
  const fromSource = base.endsWith(".ts");
  const path = fileURLToPath(new URL(fromSource ? relative.replace(/\.js$/, ".ts") : relative, base));
  return { path, execArgv: fromSource ? ["--import", "tsx"] : [] };
}

/**
 * Starts a sibling module as a worker thread. From source, the thread registers tsx first and
 * then imports the `.ts` file: in Node 20 a worker's `--import tsx` loads no hooks.
 */
export function startWorker(relative: string, base: string, options: WorkerOptions = {}): Worker {
  const entry = moduleEntry(relative, base);
  if (entry.execArgv.length === 0) return new Worker(entry.path, options);
  const tsx = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(tsx)}).then((t) => t.register()).then(() => import(${JSON.stringify(pathToFileURL(entry.path).href)}))`;
  return new Worker(code, { ...options, eval: true });
}
