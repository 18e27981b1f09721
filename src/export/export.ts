import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { InspectReport } from "../analysis/inspect.js";
import { describeError, SetupError } from "../base/errors.js";
import { FAULTS_SQL, GAPS_SQL, MESSAGES_SQL, REJECTS_SQL } from "./derive.js";
import { eventsOf } from "./load-events.js";
import { createTable, ident, quote, timestampOf } from "./sql.js";
import { type Staged, stage } from "./stage.js";
import { TABLES, type TableName, TYPES } from "./tables.js";

/** Where the tables go: a folder of Parquet files, a DuckDB database file, or both. */
export interface ExportTargets {
  parquet?: string;
  duckdb?: string;
}

/** Told each step's name and milliseconds as it ends (the bench's breakdown). */
export type OnStep = (step: string, ms: number) => void;

/** Times steps for `onStep`. */
function stepper(onStep: OnStep | undefined): (step: string) => void {
  let last = performance.now();
  return (step) => {
    const now = performance.now();
    onStep?.(step, now - last);
    last = now;
  };
}

/**
 * DuckDB's memory while it works: past it, it spills to the scratch folder. With the analysis
 * inspect holds (about 200 MB for a million records), the process stays near 400 MB; 128 MB
 * is too little for the messages join of a million records.
 */
const MEMORY_LIMIT = "192MB";

/**
 * Rows per Parquet row group. The writer holds a whole group per thread before it writes it,
 * outside DuckDB's memory limit: a quarter of its default 122,880 rows keeps a million-record
 * export some 80 MB lower, at the same speed. Snappy, the Parquet default, for every reader
 * (pyarrow, polars, R arrow, hyparquet without plugins).
 */
const ROW_GROUP_ROWS = 32_768;

/** The rows of `inner` as the table's columns: its names, its order, its types (tables.ts). */
function typed(table: TableName, inner: string): string {
  const columns = TABLES[table].map(([name, type]) => `CAST(${ident(name)} AS ${type}) AS ${ident(name)}`);
  return `SELECT ${columns.join(", ")} FROM (${inner}) AS rows`;
}

/** The rows of a staged table (runs, trials, vms): read with their types, `time` made from `t`. */
function stagedRows(table: TableName, path: string): string {
  const columns = TABLES[table]
    .filter(([name, type]) => !(name === "time" && type === "TIMESTAMP"))
    .map(([name, type]) => `${quote(name)}: ${quote(type in TYPES ? "VARCHAR" : type)}`);
  const time = TABLES[table].some(([name]) => name === "time") ? `, ${timestampOf("t")} AS time` : "";
  return `SELECT *${time} FROM read_json(${quote(path)}, format = 'newline_delimited', columns = {${columns.join(", ")}})`;
}

const DERIVED: [TableName, string][] = [
  ["messages", MESSAGES_SQL],
  ["rejects", REJECTS_SQL],
  ["gaps", GAPS_SQL],
  ["faults", FAULTS_SQL],
];

async function settings(db: DuckDBConnection, scratch: string): Promise<void> {
  await db.run(
    `SET temp_directory = ${quote(join(scratch, "spill"))}; SET memory_limit = ${quote(MEMORY_LIMIT)}`,
  );
  for (const [name, type] of Object.entries(TYPES)) await db.run(`CREATE TYPE ${name} AS ${type}`);
}

/**
 * Writes every table as `<dir>/<table>.parquet`, each a COPY that DuckDB streams from the staged
 * rows to the file: `events` first, then the tables drawn from it, read back from its Parquet
 * file. Nothing is held as a table in memory, so a run of millions of records fits in DuckDB's
 * memory limit.
 */
async function writeParquet(
  db: DuckDBConnection,
  staged: Staged,
  dir: string,
  step: (name: string) => void,
): Promise<string[]> {
  const written: string[] = [];
  const copy = async (table: TableName, rows: string) => {
    const path = join(dir, `${table}.parquet`);
    await db.run(
      `COPY (${typed(table, rows)}) TO ${quote(path)} (FORMAT PARQUET, COMPRESSION SNAPPY, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`,
    );
    written.push(path);
    step(table);
    return path;
  };
  for (const [table, { path, rows }] of staged.files) {
    const name = table as TableName;
    // An empty staged file has no columns to read: an empty table of the columns stands in.
    if (rows === 0) await db.run(createTable(name));
    const source =
      rows === 0 ? `SELECT * FROM ${name}` : name === "events" ? eventsOf(path) : stagedRows(name, path);
    const file = await copy(name, source);
    if (name === "events" && rows > 0)
      await db.run(`CREATE VIEW events AS SELECT * FROM read_parquet(${quote(file)})`);
  }
  for (const [table, sql] of DERIVED) await copy(table, sql);
  return written;
}

/** Builds the DuckDB database `file` from the Parquet files in `dir`, its tables typed as tables.ts says. */
async function writeDatabase(file: string, dir: string, scratch: string): Promise<void> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(file);
  try {
    const db = await instance.connect();
    await settings(db, scratch);
    // Rows go in as they come (each table's row order is the Parquet file's to keep): a
    // quarter of the time, and no buffer to put them back in order.
    await db.run(`SET preserve_insertion_order = false; SET memory_limit = ${quote(MEMORY_LIMIT)}`);
    for (const table of Object.keys(TABLES) as TableName[]) {
      await db.run(createTable(table));
      await db.run(
        `INSERT INTO ${table} BY NAME SELECT * FROM read_parquet(${quote(join(dir, `${table}.parquet`))})`,
      );
    }
    await db.run("CHECKPOINT");
    db.closeSync();
  } finally {
    instance.closeSync();
  }
}

/**
 * Writes inspect's tables (tables.ts) as Parquet files `<parquet>/<table>.parquet` and/or as the
 * DuckDB database `duckdb` (replaced when it exists; built beside it and renamed, so a failed
 * export leaves no half database). The Parquet files are written first (to a scratch folder when
 * not asked for) and the database is loaded from them. DuckDB is loaded here, on first use: its
 * 70 MB library is nothing a command that does not export should load. Returns the paths written.
 */
export async function exportTables(
  report: InspectReport,
  targets: ExportTargets,
  onStep?: OnStep,
): Promise<string[]> {
  const step = stepper(onStep);
  const scratch = mkdtempSync(join(tmpdir(), "clocklab-export-"));
  const partial = targets.duckdb === undefined ? undefined : `${resolve(targets.duckdb)}.partial`;
  // The output an error is told against: the Parquet files while they are written, then the database.
  let at = targets.parquet === undefined ? "duckdb" : "parquet";
  try {
    const staged = stage(report, scratch, at);
    step("stage");
    const dir = targets.parquet === undefined ? join(scratch, "tables") : resolve(targets.parquet);
    mkdirSync(dir, { recursive: true });
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(":memory:");
    let files: string[];
    try {
      const db = await instance.connect();
      await settings(db, scratch);
      files = await writeParquet(db, staged, dir, step);
      db.closeSync();
    } finally {
      instance.closeSync();
    }
    const written = targets.parquet === undefined ? [] : files;
    if (targets.duckdb !== undefined && partial !== undefined) {
      at = "duckdb";
      rmSync(partial, { force: true });
      rmSync(`${partial}.wal`, { force: true });
      await writeDatabase(partial, dir, scratch);
      step("database");
      renameSync(partial, targets.duckdb);
      written.push(targets.duckdb);
    }
    return written;
  } catch (err) {
    if (err instanceof SetupError) throw err;
    throw new SetupError(
      { field: at, detail: `cannot write the tables (${describeError(err)})` },
      { cause: err },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    if (partial !== undefined) {
      rmSync(partial, { force: true });
      rmSync(`${partial}.wal`, { force: true });
    }
  }
}
