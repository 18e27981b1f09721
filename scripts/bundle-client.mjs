// Bundles the report's browser code (src/report/diagram/client, typed sources) into one script
// that report.html carries inline, so the page works offline. Run by `npm run build`.
import { build } from "esbuild";

await build({
  entryPoints: ["src/report/diagram/client/main.ts"],
  outfile: "dist/client/diagram.js",
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  platform: "browser",
  legalComments: "none",
  logLevel: "warning",
});
