// The house's floor plan, checked in `npm test` (npm run deps). Folders of src/ from the bottom up:
// a folder may import only from folders before it in LAYERS, never from one after it, and no
// module may import itself back through others.
const LAYERS = [
  "base", // errors, bytes, version, rng, io: no clocklab imports
  "clock", // Lamport and vector clock rules, the vector-clock slot map
  "wire", // the message, its codecs, the reorder buffer
  "log", // record schema, writer, readers, paths, recovery
  "transport", // the Transport interface and its implementations, faults
  "vm", // the pure core: machine (free of I/O), lifecycle, events, rate, scheduler, time
  "host", // one VM as an OS process: runtime, warm-up, process usage
  "analysis", // streaming checks and statistics over logs
  "report", // charts and the HTML page
  "export", // typed tables of a run for notebooks: Parquet files and a DuckDB database
  "run", // the orchestrator of real VM processes, configs, run.json
  "sim", // the same VMs in virtual time
  "sweep", // grids of simulated experiments
  "live", // the live page's server (run --ui) and the run list (serve)
  "cli", // commands: the one place that knows flag names
  "bench", // npm run bench
];

const above = (i) => `^src/(${LAYERS.slice(i + 1).join("|")})/`;

module.exports = {
  forbidden: [
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `${layer}-imports-upward`,
      comment: `src/${layer}/ sits below ${LAYERS.slice(i + 1).join(", ")}: it may not import them`,
      severity: "error",
      from: { path: `^src/${layer}/` },
      to: { path: above(i) },
    })),
    {
      name: "no-circular",
      comment: "modules that import each other, directly or through others",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-stray-folder",
      comment: "every module of src/ lives in one of the layers above",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/(${LAYERS.join("|")})/` },
      to: {},
    },
    {
      name: "client-stays-in-browser",
      comment:
        "the diagram's browser code is bundled alone: of the Node side it imports only the data format they share",
      severity: "error",
      from: { path: "^src/report/diagram/client/" },
      to: { path: "^src/", pathNot: "^src/report/diagram/(client/|format\\.ts$|build\\.ts$)" },
    },
    {
      name: "live-client-stays-in-browser",
      comment:
        "the live page's browser code is bundled alone: it imports the diagram's browser code, the data format and builder, and the stream's protocol",
      severity: "error",
      from: { path: "^src/live/client/" },
      to: {
        path: "^src/",
        pathNot: "^src/(live/client/|live/protocol\\.ts$|report/diagram/(client/|format\\.ts$|build\\.ts$))",
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^src/(report/diagram|live)/client/.*\\.d\\.ts$" },
  },
};
