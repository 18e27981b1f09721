import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { main } from "../../src/cli/program.js";
import { TABLES, type TableName } from "../../src/export/tables.js";
import { captureIo } from "../helpers/io.js";
import { killAll, startProcess } from "../helpers/processes.js";
import { DRIFT_OVER_TIME, MEAN_JUMP_BY_RATIO, SLOWEST_QUEUE_TREND } from "./cookbook.js";
import { logRecords, num, type ParquetTable, queryDuckdb, readParquet } from "./read.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-tables-"));
const pq = join(root, "tables");
const dbFile = join(root, "run.duckdb");
let runDir = "";
let report: {
  trials: {
    trial: number;
    vms: {
      vm: string;
      rate: number;
      ticks: number;
      jumps: { count: number; mean: number };
      queue: { mean: number; max: number };
      lag: { final: number };
    }[];
  }[];
};
const tables = new Map<string, ParquetTable>();

before(async () => {
  const io = captureIo();
  const simmed = await main(
    ["sim", "--seed", "11", "--trials", "2", "--duration", "30", "--log-dir", join(root, "logs")],
    io,
  );
  assert.equal(simmed, 0, io.errs.join("\n"));
  runDir = /^logs: (\S+)/m.exec(io.outs.join("\n"))?.[1] ?? "";
  const out = captureIo();
  const code = await main(["inspect", runDir, "--json", "--parquet", pq, "--duckdb", dbFile], out);
  assert.equal(code, 0, out.errs.join("\n"));
  report = JSON.parse(out.outs.join("\n"));
  for (const name of Object.keys(TABLES)) tables.set(name, await readParquet(join(pq, `${name}.parquet`)));
});
after(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

const table = (name: TableName) => tables.get(name) as ParquetTable;
const vmsOf = () => report.trials.flatMap((t) => t.vms.map((v) => ({ trial: t.trial, ...v })));

describe("inspect --parquet, read back by hyparquet", { timeout: 60_000 }, () => {
  it("writes every table with the documented columns, integers as integers", () => {
    assert.deepEqual(
      readdirSync(pq).sort(),
      Object.keys(TABLES)
        .map((t) => `${t}.parquet`)
        .sort(),
    );
    for (const [name, columns] of Object.entries(TABLES)) {
      const t = table(name as TableName);
      assert.deepEqual(
        t.columns,
        columns.map(([c]) => c),
        name,
      );
      for (const [column, type] of columns) {
        const [physical, converted] = t.leaves.get(column) ?? [];
        const base = type.replace(/\[\]$/, "");
        if (base === "INTEGER") assert.equal(physical, "INT32", `${name}.${column}`);
        if (base === "BIGINT") assert.equal(physical, "INT64", `${name}.${column}`);
        if (base === "TIMESTAMP") assert.equal(converted, "TIMESTAMP_MICROS", `${name}.${column}`);
        if (base === "VARCHAR" || base.endsWith("_kind") || base === "lost_why")
          assert.equal(converted, "UTF8", `${name}.${column}`);
      }
    }
    // A few by hand, not through the list: what a notebook joins and sums on.
    assert.deepEqual(table("events").leaves.get("clock"), ["INT64", "INT_64"]);
    assert.deepEqual(table("events").leaves.get("tick"), ["INT32", "INT_32"]);
    assert.deepEqual(table("events").leaves.get("vc"), ["BYTE_ARRAY", "UTF8"]); // the map's key
    assert.deepEqual(table("messages").leaves.get("receiveClock"), ["INT64", "INT_64"]);
    assert.deepEqual(table("messages").leaves.get("sender"), ["BYTE_ARRAY", "UTF8"]);
  });

  it("has one events row per log record and one messages row per send's recipient", () => {
    const records = logRecords(runDir);
    assert.ok(records.length > 500, `${records.length} records`);
    assert.equal(table("events").numRows, records.length);
    assert.equal(table("events").rows.length, records.length);
    const recipients = records
      .filter((r) => r.event === "send")
      .reduce((n, r) => n + (r.to as string[]).length, 0);
    assert.equal(table("messages").numRows, recipients);
    const kinds = new Map<string, number>();
    for (const r of table("events").rows) kinds.set(r.kind as string, (kinds.get(r.kind as string) ?? 0) + 1);
    assert.equal(kinds.get("receive"), records.filter((r) => r.event === "receive").length);
    assert.equal(table("trials").numRows, 2);
    assert.equal(table("vms").numRows, 6);
  });

  it("gives each received message the receive clock max(previous, send clock) + 1", () => {
    // The receiver's previous clock from the events rows, not from the messages table.
    const byVm = new Map<string, Record<string, unknown>[]>();
    for (const e of table("events").rows) {
      if (e.clock === null || e.clock === undefined) continue;
      const key = `${e.experiment}/${e.trial}/${e.vm}`;
      byVm.set(key, [...(byVm.get(key) ?? []), e]);
    }
    const before = new Map<string, number>();
    const clockAt = new Map<string, number>();
    for (const [key, rows] of byVm) {
      rows.sort((a, b) => num(a.line) - num(b.line));
      let prev = 0;
      for (const e of rows) {
        before.set(`${key}/${e.line}`, prev);
        clockAt.set(`${key}/${e.line}`, num(e.clock));
        prev = num(e.clock);
      }
    }
    let received = 0;
    let jumped = 0;
    for (const m of table("messages").rows) {
      const sender = `${m.experiment}/${m.trial}/${m.sender}`;
      assert.equal(num(m.sendClock), clockAt.get(`${sender}/${m.sendLine}`), "send clock is the send's");
      if (m.lost === true) continue;
      received += 1;
      const prev = before.get(`${m.experiment}/${m.trial}/${m.receiver}/${m.receiveLine}`) as number;
      assert.equal(
        num(m.receiveClock),
        Math.max(prev, num(m.sendClock)) + 1,
        JSON.stringify(m, (_, v) => (typeof v === "bigint" ? Number(v) : v)),
      );
      assert.equal(num(m.jump), num(m.receiveClock) - prev - 1);
      if (num(m.jump) > 0) jumped += 1;
    }
    assert.ok(received > 100 && jumped > 10, `${received} received, ${jumped} jumps`);
  });
});

describe("inspect --duckdb, read by DuckDB", { timeout: 60_000 }, () => {
  it("holds the same tables with the documented types and row counts", async () => {
    const columns = await queryDuckdb(
      dbFile,
      "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY table_name, ordinal_position",
    );
    for (const [name, cols] of Object.entries(TABLES)) {
      const got = columns.filter((c) => c.table_name === name).map((c) => [c.column_name, c.data_type]);
      const want = cols.map(([c, type]) => [
        c,
        type.endsWith("_kind") || type === "lost_why" ? "ENUM" : type,
      ]);
      assert.deepEqual(
        got.map(([c, type]) => [
          c,
          String(type).startsWith("ENUM") ? "ENUM" : String(type).replaceAll(" ", ""),
        ]),
        want.map(([c, type]) => [c, String(type).replaceAll(" ", "")]),
        name,
      );
      const [count] = await queryDuckdb(dbFile, `SELECT count(*) AS n FROM ${name}`);
      assert.equal(count?.n, table(name as TableName).numRows, name);
    }
    const kinds = await queryDuckdb(dbFile, "SELECT enum_range(NULL::event_kind) AS kinds");
    assert.deepEqual(kinds[0]?.kinds, [
      "start",
      "internal",
      "send",
      "receive",
      "reject",
      "gap",
      "fault",
      "stop",
    ]);
  });

  it("answers the cookbook's mean jump by rate ratio as inspect does", async () => {
    const rows = await queryDuckdb(dbFile, MEAN_JUMP_BY_RATIO);
    assert.equal(rows.length, 6);
    for (const v of vmsOf()) {
      const row = rows.find((r) => r.trial === v.trial && r.vm === v.vm);
      assert.equal(row?.jumps, v.jumps.count, `trial ${v.trial} vm ${v.vm}`);
      if (v.jumps.count > 0) assert.ok(Math.abs((row?.meanJump as number) - v.jumps.mean) < 0.0011);
      else assert.equal(row?.meanJump, null);
    }
    const ratios = rows.map((r) => r.ratio as number);
    assert.deepEqual(
      ratios,
      [...ratios].sort((a, b) => a - b),
    );
  });

  it("answers drift over time, ending at inspect's final lag", async () => {
    const rows = await queryDuckdb(dbFile, DRIFT_OVER_TIME);
    for (const v of vmsOf()) {
      const own = rows.filter((r) => r.trial === v.trial && r.vm === v.vm);
      assert.ok(own.length >= 31, `${own.length} seconds`);
      assert.equal(own.at(-1)?.lag, v.lag.final, `trial ${v.trial} vm ${v.vm}`);
      assert.ok(own.every((r) => (r.lag as number) >= 0));
    }
  });

  it("answers the queue trend of the slowest VM with inspect's queue mean and max", async () => {
    const rows = await queryDuckdb(dbFile, SLOWEST_QUEUE_TREND);
    for (const t of report.trials) {
      const slowest = [...t.vms].sort((a, b) => a.rate - b.rate || a.vm.localeCompare(b.vm))[0];
      const own = rows.filter((r) => r.trial === t.trial);
      assert.ok(own.every((r) => r.vm === slowest?.vm));
      const ticks = own.reduce((n, r) => n + (r.ticks as number), 0);
      assert.equal(ticks, slowest?.ticks);
      const mean = own.reduce((s, r) => s + (r.meanQueue as number) * (r.ticks as number), 0) / ticks;
      assert.ok(
        Math.abs(mean - (slowest?.queue.mean ?? Number.NaN)) < 0.01,
        `${mean} vs ${slowest?.queue.mean}`,
      );
      assert.equal(Math.max(...own.map((r) => r.maxQueue as number)), slowest?.queue.max);
    }
  });
});

describe("inspect --duckdb and --parquet outputs", { timeout: 60_000 }, () => {
  it("refuses an output it cannot write before any analysis: one line, exit 2", async () => {
    const blocker = join(root, "a-file");
    writeFileSync(blocker, "x");
    for (const [flag, path] of [
      ["--duckdb", join(blocker, "run.duckdb")],
      ["--parquet", join(blocker, "tables")],
    ] as const) {
      const io = captureIo();
      const code = await main(["inspect", runDir, flag, path], io);
      assert.equal(code, 2);
      assert.match(io.errs.join("\n"), new RegExp(`^clocklab: ${flag}: expected`));
      assert.ok(!existsSync(path));
    }
  });

  it("loads DuckDB only when asked to export (a child process's mapped libraries)", async () => {
    const probe = join(root, "probe.mts");
    writeFileSync(
      probe,
      [
        'import { readFileSync } from "node:fs";',
        `const { main } = await import(${JSON.stringify(join(process.cwd(), "src/cli/program.ts"))});`,
        "const io = { out: () => {}, err: () => {}, setExitCode: () => {} };",
        "await main(process.argv.slice(2), io);",
        'console.log(readFileSync("/proc/self/maps", "utf8").includes("duckdb") ? "loaded" : "not loaded");',
      ].join("\n"),
    );
    const plain = await startProcess(process.execPath, [
      "--import",
      "tsx",
      probe,
      "inspect",
      runDir,
      "--csv",
      join(root, "csv"),
    ]).done;
    assert.equal(plain.stdout.trim(), "not loaded", plain.stderr);
    const asked = await startProcess(process.execPath, [
      "--import",
      "tsx",
      probe,
      "inspect",
      runDir,
      "--duckdb",
      join(root, "probe.duckdb"),
    ]).done;
    assert.equal(asked.stdout.trim(), "loaded", asked.stderr);
  });

  it("replaces an existing database and leaves no partial file", async () => {
    const io = captureIo();
    const code = await main(["inspect", runDir, "--duckdb", dbFile], io);
    assert.equal(code, 0, io.errs.join("\n"));
    assert.ok(io.outs.some((l) => l === `wrote ${dbFile}`));
    assert.ok(!existsSync(`${dbFile}.partial`));
    const [count] = await queryDuckdb(dbFile, "SELECT count(*) AS n FROM runs");
    assert.equal(count?.n, 1);
  });
});
