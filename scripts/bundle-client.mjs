// Bundles the pages' browser code (typed sources) into one script each, so every page works
// offline: the report's diagram (src/report/diagram/client), which report.html carries inline,
// and the live page's (src/live/client, which reuses the diagram's), served by `run --ui`.
// Run by `npm run build`.
import { build } from "esbuild";

const common = {
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  platform: "browser",
  legalComments: "none",
  logLevel: "warning",
};
await build({
  ...common,
  entryPoints: ["src/report/diagram/client/main.ts"],
  outfile: "dist/client/diagram.js",
});
await build({ ...common, entryPoints: ["src/live/client/main.ts"], outfile: "dist/client/live.js" });
