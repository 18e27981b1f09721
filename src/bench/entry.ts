import { fileURLToPath } from "node:url";

/**
 * How to start a sibling module as a process: compiled (`dist/...js`) it runs on node alone;
 * from source (tests, through tsx) it is the `.ts` file with tsx loaded.
 */
export function moduleEntry(relative: string): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const path = fileURLToPath(
    new URL(fromSource ? relative.replace(/\.js$/, ".ts") : relative, import.meta.url),
  );
  return { path, execArgv: fromSource ? ["--import", "tsx"] : [] };
}
