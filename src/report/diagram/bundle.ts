import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SetupError } from "../../base/errors.js";

/**
 * Where `npm run build` writes the browser bundle: the package root's dist/client/. This file
 * sits three folders below the root both as source (src/report/diagram) and built
 * (dist/report/diagram), so one relative URL serves tests run from source and the CLI.
 */
export const BUNDLE_URL = new URL("../../../dist/client/diagram.js", import.meta.url);

/** The browser code's sources, when this runs from a checkout (beside this file as .ts). */
export const CLIENT_DIR = fileURLToPath(new URL("./client/", import.meta.url));

/**
 * The diagram's browser script, built from src/report/diagram/client by `npm run build`.
 * Run from source, a bundle older than a client source is refused: a page drawn by yesterday's
 * code would pass or fail tests for the wrong reason.
 */
export function clientBundle(
  path = fileURLToPath(BUNDLE_URL),
  sources: string | readonly string[] = CLIENT_DIR,
): string {
  let built: number;
  let text: string;
  try {
    built = statSync(path).mtimeMs;
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new SetupError(
      `report: the space-time diagram's script ${path} is missing: run \`npm run build\` (it bundles src/report/diagram/client)`,
      { cause: err },
    );
  }
  const stale = (typeof sources === "string" ? [sources] : sources).flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith(".ts") && statSync(join(dir, f)).mtimeMs > built)
          .map((f) => `${f} in ${dir}`)
      : [],
  );
  if (stale.length > 0) {
    throw new SetupError(
      `report: the browser script ${path} is older than ${stale.join(", ")}: run \`npm run build\``,
    );
  }
  return text;
}
