import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SetupError } from "../../errors.js";

/**
 * Where `npm run build` writes the browser bundle: the package root's dist/client/. This file
 * sits three folders below the root both as source (src/report/diagram) and built
 * (dist/report/diagram), so one relative URL serves tests run from source and the CLI.
 */
export const BUNDLE_URL = new URL("../../../dist/client/diagram.js", import.meta.url);

/** The diagram's browser script, built from src/report/diagram/client by `npm run build`. */
export function clientBundle(path = fileURLToPath(BUNDLE_URL)): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new SetupError(
      `report: the space-time diagram's script ${path} is missing: run \`npm run build\` (it bundles src/report/diagram/client)`,
      { cause: err },
    );
  }
}
