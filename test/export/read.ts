import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";

/** A Parquet file read by hyparquet (not DuckDB, which wrote it): leaf columns and rows. */
export interface ParquetTable {
  rows: Record<string, unknown>[];
  numRows: number;
  /** Top-level column name -> [physical type, converted type] of its leaf (the first, for maps and lists). */
  leaves: Map<string, [string | undefined, string | undefined]>;
  /** Top-level column names in order. */
  columns: string[];
}

export async function readParquet(path: string): Promise<ParquetTable> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const [root, ...elements] = metadata.schema;
  const columns: string[] = [];
  const leaves = new Map<string, [string | undefined, string | undefined]>();
  // The schema is a flattened tree: each element says how many children follow it.
  let i = 0;
  const walk = (top: string | undefined): void => {
    const element = elements[i++];
    if (element === undefined) return;
    const name = top ?? element.name;
    if (top === undefined) columns.push(name);
    const children = element.num_children ?? 0;
    if (children === 0 && !leaves.has(name)) leaves.set(name, [element.type, element.converted_type]);
    for (let c = 0; c < children; c++) walk(name);
  };
  for (let c = 0; c < (root?.num_children ?? 0); c++) walk(undefined);
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return { rows, numRows: Number(metadata.num_rows), leaves, columns };
}

/** The rows of `sql` over the DuckDB database `path`, opened read-only; BIGINTs as numbers. */
export async function queryDuckdb(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  try {
    const db = await instance.connect();
    const rows = (await db.runAndReadAll(sql)).getRowObjectsJS();
    db.closeSync();
    return rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
    );
  } finally {
    instance.closeSync();
  }
}

/** Every record of every log under `dir`, by JSON.parse of each line: the tests' own reading. */
export function logRecords(dir: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".jsonl")) continue;
    for (const line of readFileSync(join(entry.parentPath, entry.name), "utf8").split("\n")) {
      if (line.trim() !== "") out.push(JSON.parse(line) as Record<string, unknown>);
    }
  }
  return out;
}

/** A number from a Parquet or DuckDB value (INT64 comes back as bigint). */
export const num = (v: unknown): number => (typeof v === "bigint" ? Number(v) : (v as number));
