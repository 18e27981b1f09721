import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { InspectReport } from "../../src/analysis/inspect.js";
import { readLog } from "../../src/log/reader.js";
import type { LogRecord, StartRecord, StopRecord } from "../../src/log/schema.js";
import { pythonMissing, skipWithoutPython, startPythonVm } from "../foreign/python.js";
import { freePorts, killAll, othersOf, startCli } from "../helpers/processes.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-foreign-"));
after(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

/** Far enough ahead for the VM processes (clocklab's started through tsx) to be listening. */
const START_DELAY_MS = 4000;
const DURATION_S = 4;
const MODULES = ["zmq", "msgpack"];
/**
 * Every VM at 20 ticks/s with event range 5: a draw sends to a given peer with probability 2/5,
 * so a VM takes in at most 2 x 20 x 2/5 = 16 messages a second, below its rate, and its queue
 * empties often enough for about 40 draws in 4 s. Whether a VM ever sends to a given peer is then
 * certain in practice ((3/5)^40 ~ 1e-9 that it never does), whatever the timing: the per-link
 * assertions below do not hang on which tick found the queue empty.
 */
const RATE = 20;
const EVENT_RANGE = 5;

/** One VM's log: its start and stop records, and its records of one kind. */
function logOf(records: LogRecord[]) {
  const start = records.find((r): r is StartRecord => r.event === "start");
  const stop = records.find((r): r is StopRecord => r.event === "stop");
  return { vm: start?.vm, start, stop, records };
}

describe("a VM written in Python (pyzmq, msgpack.packb with its defaults) on the bus", {
  timeout: 60_000,
}, () => {
  it("joins two clocklab VMs: inspect passes every check on all three logs, nothing rejected", {
    skip: skipWithoutPython(MODULES),
  }, async () => {
    const missing = pythonMissing(MODULES);
    assert.equal(missing, undefined, `CI installs python3-zmq and python3-msgpack: ${missing}`);
    const dir = join(root, "bus");
    const ports = await freePorts(3);
    const [a, b, py] = ports.map(String) as [string, string, string];
    const startAt = String(Date.now() + START_DELAY_MS);
    const common = [
      "--start-at",
      startAt,
      "--duration",
      String(DURATION_S),
      "--seed",
      "21",
      "--log-dir",
      dir,
    ];
    const clocklab = [a, b].map(
      (port) =>
        startCli([
          "vm",
          "--port",
          port,
          "--others",
          ...othersOf(ports, Number(port)),
          "--overridefreq",
          String(RATE),
          "--event-range",
          String(EVENT_RANGE),
          "--quiet",
          ...common,
        ]).done,
    );
    const python = startPythonVm([
      "--port",
      py,
      "--others",
      a,
      b,
      "--rate",
      String(RATE),
      "--event-range",
      String(EVENT_RANGE),
      ...common,
    ]);
    const results = await Promise.all([...clocklab, python.done]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);

    // inspect as a user runs it, on the folder of the three logs.
    const inspect = await startCli(["inspect", dir, "--json"]).done;
    assert.equal(inspect.code, 0, inspect.stdout + inspect.stderr);
    const report = JSON.parse(inspect.stdout) as InspectReport;
    assert.equal(report.trials.length, 1);
    const trial = report.trials[0];
    assert.ok(trial);
    assert.deepEqual(trial.vms.map((v) => v.vm).sort(), [a, b, py].sort());
    assert.ok(trial.checks.some((c) => c.name === "conservation"));
    for (const check of trial.checks) {
      assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
      assert.ok(check.checked > 0, `${check.name} looked at nothing`);
    }

    const logs = trial.files.map((f) => logOf(readLog(f).map((l) => l.record)));
    const received = (log: (typeof logs)[number], from: string) =>
      log.records.filter((r) => r.event === "receive" && r.from === from).length;
    for (const log of logs) {
      assert.equal(log.stop?.reason, "duration", `${log.vm} stopped early`);
      assert.equal(log.stop?.rejected, 0, `${log.vm} rejected messages`);
      assert.equal(log.records.filter((r) => r.event === "reject").length, 0);
    }
    const pyLog = logs.find((l) => l.vm === py);
    assert.equal(pyLog?.start?.version, "python-vm", "the Python VM's own log");
    for (const log of logs.filter((l) => l.vm !== py)) {
      assert.ok(received(log, py) > 0, `${log.vm} received nothing from the Python VM`);
      assert.ok(
        pyLog !== undefined && received(pyLog, log.vm as string) > 0,
        `the Python VM received nothing from ${log.vm}`,
      );
    }
  });
});
