import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { freePortBlock, killAll, startCli } from "../helpers/processes.js";
import { LOST_BY_LINK } from "./cookbook.js";
import { logRecords, queryDuckdb } from "./read.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-lost-"));
after(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

// The simulator injects no loss: a short real run with --loss makes the sender's fault records.
describe("messages lost by link under faults", { timeout: 90_000 }, () => {
  it("counts per link what the senders' fault layers dropped, as inspect and the logs do", async () => {
    const base = await freePortBlock(3);
    const logDir = join(root, "logs");
    const ran = await startCli(
      [
        // Equal rates and event range 6: each VM is sent 2/3 of a message per tick and takes one,
        // so no queue swamps a VM into never sending (a VM sends only on a tick with an empty
        // queue), and each of the 6 links carries about 6 messages.
        ...["run", "--rates", "6,6,6", "--duration", "3", "--event-range", "6", "--trials", "1"],
        ...["--loss", "0.3", "--seed", "5"],
        ...["--start-delay", "3000", "--base-port", String(base), "--log-dir", logDir, "--no-html"],
      ],
      60_000,
    ).done;
    assert.equal(ran.code, 0, ran.stderr + ran.stdout);
    const runDir = /^logs: (\S+)/m.exec(ran.stdout)?.[1] ?? "";
    const dbFile = join(root, "run.duckdb");
    const inspected = await startCli(["inspect", runDir, "--json", "--duckdb", dbFile], 60_000).done;
    assert.equal(inspected.code, 0, inspected.stderr);
    const report = JSON.parse(inspected.stdout) as {
      trials: { vms: { vm: string; dropped: number }[] }[];
    };
    const rows = await queryDuckdb(dbFile, LOST_BY_LINK);

    // The logs read here by JSON.parse: each sender's fault records and its stop record's counts.
    const records = logRecords(runDir);
    let vm = "";
    const faults = new Map<string, number>();
    const sentByStop = new Map<string, number>();
    for (const r of records) {
      if (r.event === "start") vm = r.vm as string;
      if (r.event === "fault" && r.kind === "loss") {
        const link = `${vm}>${r.to}`;
        faults.set(link, (faults.get(link) ?? 0) + 1);
      }
      if (r.event === "stop") {
        for (const [to, counts] of Object.entries(r.links as Record<string, { sent: number }>))
          sentByStop.set(`${vm}>${to}`, counts.sent);
      }
    }
    // One row per link that carried a message.
    assert.equal(rows.length, [...sentByStop.values()].filter((n) => n > 0).length, JSON.stringify(rows));
    assert.ok(rows.length >= 5, JSON.stringify(rows));
    let dropped = 0;
    for (const row of rows) {
      const link = `${row.sender}>${row.receiver}`;
      assert.equal(row.dropped, faults.get(link) ?? 0, link);
      assert.equal(row.sent, sentByStop.get(link), link);
      assert.ok((row.lost as number) >= (row.dropped as number), link);
      dropped += row.dropped as number;
    }
    assert.ok(dropped > 0, "the run dropped no message");
    for (const v of report.trials[0]?.vms ?? []) {
      const own = rows.filter((r) => r.sender === v.vm).reduce((n, r) => n + (r.dropped as number), 0);
      assert.equal(own, v.dropped, `vm ${v.vm}`);
    }
    const why = await queryDuckdb(
      dbFile,
      "SELECT count(*) AS n FROM messages WHERE lost AND lostWhy IS NULL",
    );
    assert.equal(why[0]?.n, 0);
  });
});
