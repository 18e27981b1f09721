import { TABLES, type TableName } from "./tables.js";

/** A string literal for SQL. */
export const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Quotes an identifier for SQL (`from`, `to` are keywords). */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `CREATE TABLE` of one table, its columns typed from tables.ts. */
export function createTable(name: TableName): string {
  return `CREATE TABLE ${name} (${TABLES[name].map(([c, type]) => `${ident(c)} ${type}`).join(", ")})`;
}

/** TIMESTAMP (microseconds) of a DOUBLE of ms since the Unix epoch. */
export const timestampOf = (ms: string): string => `make_timestamp(CAST(round(${ms} * 1000) AS BIGINT))`;
