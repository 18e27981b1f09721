import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { LogRecord } from "../../src/log/schema.js";
import { recordLine } from "../../src/log/serialize.js";
import { PRESETS } from "../../src/run/config.js";
import { simulateRun } from "../../src/sim/run.js";
import { type SimTrialConfig, simulateTrial, simulateTrialInSteps } from "../../src/sim/trial.js";
import { killAll, startCli } from "../helpers/processes.js";
import { until } from "../helpers/until.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-sim-stop-"));
after(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

const trial: SimTrialConfig = {
  ids: ["5001", "5002", "5003"],
  rates: [
    { fixed: 7, min: 1, max: 6, multiplier: 1 },
    { min: 1, max: 6, multiplier: 1 },
    { fixed: 2.5, min: 1, max: 6, multiplier: 1 },
  ],
  durationS: 30,
  seed: 11,
  trial: 2,
  eventRange: 5,
  latency: { kind: "uniform", minMs: 0.05, maxMs: 300 },
};

const lines = (records: LogRecord[]) => records.map(recordLine);

/** Every .jsonl under `dir`. */
function logsUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((p) => p.endsWith(".jsonl"))
    .map((p) => join(dir, p));
}

describe("a simulation in steps", () => {
  it("writes the same records as one run to the end, however small the steps", async () => {
    const whole = simulateTrial(trial);
    for (const stepEvents of [1, 7, 500]) {
      const { vms, interrupted } = await simulateTrialInSteps(trial, { stepEvents });
      assert.equal(interrupted, false);
      assert.equal(vms.length, 3);
      for (const [i, vm] of vms.entries()) {
        assert.deepEqual(
          lines(vm.records),
          lines(whole[i]?.records ?? []),
          `VM ${vm.id}, steps of ${stepEvents}`,
        );
      }
    }
  });

  it("stops where the signal lands: every VM's last record is its stop, reason signal", async () => {
    const controller = new AbortController();
    let steps = 0;
    const { vms, interrupted } = await simulateTrialInSteps(trial, {
      signal: controller.signal,
      stepEvents: 20,
      onProgress: (doneMs, totalMs) => {
        assert.ok(doneMs <= totalMs);
        if (++steps === 5) controller.abort();
      },
    });
    assert.equal(interrupted, true);
    for (const vm of vms) {
      const last = vm.records.at(-1);
      assert.equal(last?.event, "stop", `VM ${vm.id}`);
      assert.equal(vm.stop.reason, "signal");
      const ticks = vm.records.filter(
        (r) => r.event === "internal" || r.event === "send" || r.event === "receive",
      );
      assert.equal(vm.stop.ticks, ticks.length, "the stop record counts the ticks logged");
      assert.ok(
        vm.stop.ticks > 0 && vm.stop.ticks < vm.rate * trial.durationS,
        `VM ${vm.id}: ${vm.stop.ticks}`,
      );
    }
  });

  it("marks run.json interrupted and keeps every log whole with its stop record", async () => {
    const runDir = join(root, "in-process");
    const controller = new AbortController();
    const standard = { name: "standard", ...(PRESETS.standard as NonNullable<typeof PRESETS.standard>) };
    const result = await simulateRun(
      {
        experiments: [{ ...standard, trials: 3, durationS: 600 }],
        seed: 1,
        basePort: 5001,
        latency: { kind: "constant", ms: 0.1 },
        runDir,
      },
      ["sim"],
      // Stop halfway through the second trial.
      { signal: controller.signal, onProgress: (p) => p.doneS > 900 && controller.abort() },
    );
    assert.equal(result.interrupted, true);
    const manifest = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
    assert.equal(manifest.status, "interrupted");
    assert.deepEqual(
      manifest.trials.map((t: { trial: number }) => t.trial),
      [1, 2],
      "the trial stopped is listed, the third never began",
    );
    const logs = logsUnder(runDir);
    assert.equal(logs.length, 6);
    for (const log of logs) {
      const text = readFileSync(log, "utf8");
      assert.ok(text.endsWith("\n"), `${log} ends mid-line`);
      const last = JSON.parse(text.trimEnd().split("\n").at(-1) as string);
      assert.equal(last.event, "stop");
      assert.equal(last.reason, log.includes("trial-1_") ? "duration" : "signal", log);
    }
  });
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  describe(`clocklab sim and ${signal}`, () => {
    it("stops within a second: stop records, run.json interrupted, latest, exit 130", async () => {
      const logDir = join(root, signal);
      // Days of virtual time: seconds of work, so the signal lands while it writes.
      const proc = startCli(["sim", "--duration", "200000", "--trials", "1", "--log-dir", logDir], 60_000);
      const sizes = () => logsUnder(logDir).reduce((s, f) => s + statSync(f).size, 0);
      await until("the sim to be writing its logs", () => existsSync(logDir) && sizes() > 100_000, 30_000);
      const sentAt = performance.now();
      proc.child.kill(signal);
      const result = await proc.done;
      const tookMs = performance.now() - sentAt;
      assert.equal(result.code, 130, result.stderr);
      assert.ok(tookMs < 1000, `took ${tookMs.toFixed(0)} ms to stop`);
      // Before it starts, the size its logs could reach (hundreds of MB) is said; nothing else.
      assert.match(result.stderr, /^clocklab: logs of up to [\d.]+ MB \([\d,]+ records\); .* free in \S+\n$/);
      const out = result.stdout.trim().split("\n");
      assert.equal(out.length, 1, result.stdout);
      assert.match(
        out[0] as string,
        /^sim interrupted after [\d,]+ ticks; every log has its stop record; logs so far in \S+ \(also \S+latest\)$/,
      );
      const [run] = readdirSync(logDir).filter((d) => d !== "latest");
      assert.ok(run);
      assert.equal(readlinkSync(join(logDir, "latest")), run);
      const manifest = JSON.parse(readFileSync(join(logDir, run, "run.json"), "utf8"));
      assert.equal(manifest.status, "interrupted");
      const logs = logsUnder(join(logDir, run));
      assert.equal(logs.length, 3);
      for (const log of logs) {
        const last = JSON.parse(readFileSync(log, "utf8").trimEnd().split("\n").at(-1) as string);
        assert.equal(last.event, "stop", log);
        assert.equal(last.reason, "signal");
        assert.ok(last.ticks > 0 && last.ticks < 6 * 200_000);
      }
    });
  });
}
