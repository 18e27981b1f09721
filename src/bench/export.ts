import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { moduleEntry } from "../base/entry.js";
import { writeBigRun } from "./big-run.js";
import type { Row } from "./rows.js";

/** What `inspect --parquet DIR --duckdb FILE` costs on a simulated run. */
export interface ExportCost {
  records: number;
  /** The analysis inspect does first, then the export alone (staging, DuckDB, Parquet). */
  inspectMs: number;
  exportMs: number;
  /** The export's steps: staging the rows, each Parquet file, the database (ms). */
  steps: Record<string, number>;
  /** Peak resident memory of the process doing both (DuckDB runs inside it). */
  peakRssMb: number;
  /** The logs read, the database, and each Parquet file, in MB. */
  logsMb: number;
  duckdbMb: number;
  parquetMb: Record<string, number>;
}

const mb = (bytes: number) => Math.round((bytes / 1e6) * 10) / 10;

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}

/**
 * Writes a simulated run of `records` records (3 VMs, as measureInspect), then runs inspect's
 * analysis and the export of its tables to Parquet and DuckDB in a worker process, timing each.
 * Target for 1,000,000 records: the export under 15 s and the process under 500 MB.
 */
export async function measureExport(records: number): Promise<ExportCost> {
  const dir = mkdtempSync(join(tmpdir(), "clocklab-bench-export-"));
  try {
    const run = join(dir, "run");
    const out = join(dir, "out");
    mkdirSync(out);
    const written = writeBigRun(records, run);
    const worker = moduleEntry("./export-worker.js", import.meta.url);
    const child = fork(worker.path, [run, out], { stdio: "ignore", execArgv: worker.execArgv });
    const result = await new Promise<{
      inspectMs: number;
      exportMs: number;
      maxRssKb: number;
      steps: Record<string, number>;
    }>((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (code) => reject(new Error(`export worker exited with ${code}`)));
    });
    const tables = join(out, "tables");
    return {
      records: written.records,
      inspectMs: Math.round(result.inspectMs),
      exportMs: Math.round(result.exportMs),
      steps: result.steps,
      peakRssMb: Math.round(result.maxRssKb / 1024),
      logsMb: mb(folderBytes(run)),
      duckdbMb: mb(statSync(join(out, "run.duckdb")).size),
      parquetMb: Object.fromEntries(
        readdirSync(tables).map((f) => [f.replace(/\.parquet$/, ""), mb(statSync(join(tables, f)).size)]),
      ),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench's rows: the export's time and the process's peak memory, held to their targets. */
export function exportRows(cost: ExportCost): Row[] {
  const parquet = Object.values(cost.parquetMb).reduce((a, b) => a + b, 0);
  const sizes = `logs ${cost.logsMb} MB, Parquet ${parquet.toFixed(1)} MB, DuckDB ${cost.duckdbMb} MB`;
  return [
    {
      section: "export",
      name: `inspect --parquet --duckdb of ${cost.records} records: export alone (${sizes})`,
      value: cost.exportMs / 1000,
      unit: "s",
      target: "< 15 s",
      met: cost.exportMs < 15_000,
    },
    {
      section: "export",
      name: "peak memory of inspect and the export",
      value: cost.peakRssMb,
      unit: "MB",
      target: "< 500 MB",
      met: cost.peakRssMb < 500,
    },
  ];
}
