import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { SetupError } from "../../src/base/errors.js";
import { vcOf } from "../../src/clock/vector.js";
import { formatRate, logFileName, parseLogFileName } from "../../src/log/paths.js";
import { BadLineError, readLog } from "../../src/log/reader.js";
import { openLogFile } from "../../src/log/writer.js";

const dir = mkdtempSync(join(tmpdir(), "clocklab-log-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("log files", () => {
  it("names files by trial, port and rate, and reads the name back", () => {
    const path = logFileName("logs/x", 2, "5001", 3);
    assert.equal(path, join("logs/x", "trial-2_vm-5001_rate-3.jsonl"));
    assert.deepEqual(parseLogFileName("trial-2_vm-5001_rate-1.5.jsonl"), { trial: 2, vm: "5001", rate: 1.5 });
    assert.equal(formatRate(2 / 3), "0.667");
  });

  it("writes each record as one complete line, available before the next call returns", () => {
    const path = join(dir, "a.jsonl");
    const sink = openLogFile(path);
    sink.write({ event: "internal", t: 1, tick: 1, due: 1, clock: 1, queue: 0, vc: vcOf({ a: 1 }) });
    // Visible to another reader at once: nothing is buffered in the process.
    assert.equal(readFileSync(path, "utf8").split("\n").length, 2);
    sink.write({ event: "gap", t: 2, from: "b", missing: [3] });
    sink.close();
    assert.deepEqual(
      readLog(path).map((l) => [l.line, l.record.event]),
      [
        [1, "internal"],
        [2, "gap"],
      ],
    );
  });

  it("reports a torn last line with its file and line", () => {
    const path = join(dir, "torn.jsonl");
    const sink = openLogFile(path);
    sink.write({ event: "gap", t: 2, from: "b", missing: [3] });
    sink.close();
    appendFileSync(path, '{"event":"internal","t":3,"ti');
    assert.throws(
      () => readLog(path),
      (err: unknown) => err instanceof BadLineError && err.line === 2,
    );
  });

  it("fails with a SetupError naming the field logDir when the folder cannot be written", () => {
    const blocker = join(dir, "file");
    appendFileSync(blocker, "x");
    assert.throws(
      () => openLogFile(join(blocker, "sub", "a.jsonl")),
      (err: unknown) => {
        assert.ok(err instanceof SetupError);
        assert.match(err.message, /^logDir: cannot write .* \(ENOTDIR\)$/);
        return true;
      },
    );
  });
});
