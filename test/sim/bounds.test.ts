import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { UsageError } from "../../src/base/errors.js";
import { freeBytes, withFlag } from "../../src/cli/bounds.js";
import { recordLine } from "../../src/log/serialize.js";
import { DirError, makeDir, removeMade } from "../../src/log/writer.js";
import {
  BoundError,
  bytesPerRecord,
  checkDisk,
  checkMemory,
  checkPlan,
  count,
  estimate,
  formatBytes,
  formatDuration,
  MAX_REAL_RATE,
  MAX_RECORDS_PER_RUN,
  MAX_SIM_RATE,
  MAX_TICKS_PER_VM,
  type PlannedExperiment,
  planOf,
} from "../../src/run/bounds.js";
import { PRESETS } from "../../src/run/config.js";
import { renderLive, renderPlain } from "../../src/run/live.js";
import { simulateTrial } from "../../src/sim/trial.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-bounds-"));
after(() => rmSync(root, { recursive: true, force: true }));

const standard = planOf({ ...(PRESETS.standard as NonNullable<typeof PRESETS.standard>) });

/** The BoundError `fn` throws, for checking its field and words. */
function refusal(fn: () => unknown): BoundError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BoundError, `expected a BoundError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a refusal");
}

describe("bounds", () => {
  it("estimates the standard experiment by hand: 5 trials x 3 VMs x up to 360 ticks", () => {
    assert.deepEqual(standard.rates, [6, 6, 6], "random rates are bounded by the top of the range");
    const est = estimate([standard]);
    assert.equal(est.ticksPerVm, 360);
    assert.equal(est.recordsPerTrial, 3 * (360 + 2));
    assert.equal(est.records, 5 * 3 * 362);
    assert.equal(est.bytes, 5 * 3 * 362 * (130 + 16 * 3));
    assert.equal(estimate([standard], 3).records, 3 * 5 * 3 * 362, "compare runs it per transport");
  });

  it("counts fixed rates and the multiplier per VM", () => {
    const plan = planOf({ vms: 3, trials: 2, durationS: 10, rateMax: 6, rates: [1, 2, 3], multiplier: 2.5 });
    assert.deepEqual(plan.rates, [2.5, 5, 7.5]);
    assert.equal(estimate([plan]).ticksPerVm, 75);
    assert.equal(estimate([plan]).records, 2 * (25 + 2 + 50 + 2 + 75 + 2));
  });

  it("refuses a rate a VM cannot keep, naming what set it", () => {
    const fast = (over: Partial<PlannedExperiment>) => ({ ...standard, ...over });
    assert.equal(
      refusal(() => checkPlan([fast({ rates: [6000] })], { maxRate: MAX_REAL_RATE })).field,
      "rateMax",
    );
    const fixed = refusal(() => checkPlan([fast({ rates: [1e9], fixed: true })], { maxRate: MAX_REAL_RATE }));
    assert.equal(fixed.field, "rates");
    assert.equal(fixed.detail, "1,000,000,000 ticks/s, more than a VM can tick (5,000/s)");
    const multiplied = refusal(() =>
      checkPlan([fast({ rates: [6e6], multiplier: 1e6 })], { maxRate: MAX_REAL_RATE }),
    );
    assert.equal(multiplied.field, "multiplier");
    assert.match(multiplied.detail, /^6 ticks\/s x 1,000,000 = 6,000,000 ticks\/s, more than/);
    // Virtual time allows more, up to its own cap.
    checkPlan([fast({ rates: [MAX_SIM_RATE], durationS: 1 })], { maxRate: MAX_SIM_RATE });
    refusal(() => checkPlan([fast({ rates: [MAX_SIM_RATE + 1], durationS: 1 })], { maxRate: MAX_SIM_RATE }));
  });

  it("refuses more ticks per VM than the cap, with the estimate, exactly at the edge", () => {
    const at = (durationS: number) => ({ ...standard, trials: 1, durationS });
    checkPlan([at(MAX_TICKS_PER_VM / 6)], { maxRate: MAX_REAL_RATE });
    assert.equal(
      refusal(() => checkPlan([at(MAX_TICKS_PER_VM / 6 + 1)], { maxRate: MAX_REAL_RATE })).field,
      "durationS",
    );
    const over = refusal(() => checkPlan([at(1e9)], { maxRate: MAX_REAL_RATE }));
    assert.equal(over.field, "durationS");
    assert.equal(
      over.message,
      "durationS: 1,000,000,000 s at 6 ticks/s is 6,000,000,000 ticks per VM, more than 10,000,000 (use force to go past it)",
    );
    const est = checkPlan([at(1e9)], { maxRate: MAX_REAL_RATE, force: true });
    assert.equal(est.ticksPerVm, 6e9, "--force goes past, and still says how much");
  });

  it("refuses more records per run than the cap, over every experiment and copy", () => {
    const trials = (n: number) => ({ ...standard, trials: n, durationS: 1000 });
    // 3 VMs x 6002 records a trial: 2,776 trials fit, 2,777 do not.
    checkPlan([trials(2776)], { maxRate: MAX_REAL_RATE });
    assert.ok(3 * 6002 * 2776 <= MAX_RECORDS_PER_RUN && 3 * 6002 * 2777 > MAX_RECORDS_PER_RUN);
    const over = refusal(() => checkPlan([trials(2777)], { maxRate: MAX_REAL_RATE }));
    assert.equal(over.field, "trials");
    assert.match(over.detail, /^2,777 trials x 3 VMs x up to 6,000 ticks make 50,002,662 records/);
    const copies = refusal(() =>
      checkPlan([trials(1000)], { maxRate: MAX_REAL_RATE, copies: 3, copiesOf: "transports" }),
    );
    assert.match(copies.detail, /in each of 3 transports make 54,018,000 records/);
  });

  it("checks the disk and the memory against what is there", () => {
    checkDisk(1000, 1000);
    const disk = refusal(() => checkDisk(3 * 2 ** 30, 2 ** 30));
    assert.equal(disk.field, "logDir");
    assert.equal(disk.detail, "logs of up to 3.0 GB do not fit in the 1.0 GB free there");
    checkDisk(3 * 2 ** 30, 2 ** 30, true);
    checkMemory(1_000_000, 1000 * 2 ** 20);
    const memory = refusal(() => checkMemory(18_000_006, 4 * 2 ** 30));
    assert.equal(memory.field, "memory");
    assert.match(
      memory.detail,
      /^a trial of 18,000,006 records kept in memory needs about 5\.4 GB, more than the 2\.0 GB/,
    );
  });

  it("prints durations short, never with an exponent", () => {
    assert.equal(formatDuration(0), "0:00");
    assert.equal(formatDuration(59.4), "0:59");
    assert.equal(formatDuration(3599), "59:59");
    assert.equal(formatDuration(3600), "1:00:00");
    assert.equal(formatDuration(99 * 3600 + 61), "99:01:01");
    assert.equal(formatDuration(100 * 3600), "4 days");
    assert.equal(formatDuration(1e300 / 6), "more than 1,000,000 days");
    for (const s of [1e21, 1e300, Number.MAX_VALUE, Number.POSITIVE_INFINITY, -5]) {
      assert.doesNotMatch(formatDuration(s), /e\+|Infinity|NaN|-/, String(s));
    }
    const frame = {
      ...{ experiment: "standard", trial: 1, trials: 5, vms: [], elapsedS: 3, totalS: 1e300 / 6 },
      ...{ trialElapsedS: 3, trialS: 1e300 / 6, done: false },
    };
    assert.equal(renderPlain(frame), "standard trial 1/5 0:03/more than 1,000,000 days ");
    assert.doesNotMatch(renderLive(frame), /e\+/);
    assert.equal(count(6e9), "6,000,000,000");
    assert.equal(count(1e300), "about 10^300");
    assert.equal(formatBytes(1536), "1.5 KB");
  });

  it("estimates log bytes above what the simulator writes, but not far above", () => {
    for (const vms of [3, 8]) {
      const ids = Array.from({ length: vms }, (_, i) => String(5001 + i));
      const out = simulateTrial({
        ids,
        rates: ids.map(() => ({ min: 1, max: 6, multiplier: 1 })),
        durationS: 120,
        seed: 3,
        trial: 1,
        eventRange: vms + 7,
      });
      const records = out.flatMap((vm) => vm.records);
      const bytes = records.reduce((s, r) => s + Buffer.byteLength(recordLine(r)) + 1, 0);
      const mean = bytes / records.length;
      assert.ok(mean <= bytesPerRecord(vms), `${vms} VMs: ${mean.toFixed(0)} B > ${bytesPerRecord(vms)} B`);
      assert.ok(mean >= bytesPerRecord(vms) * 0.6, `${vms} VMs: ${mean.toFixed(0)} B, estimate far above`);
    }
  });

  it("tells a field's error with the flag's name, and leaves other errors alone", () => {
    const told = withFlag(new BoundError("durationS", "too long"), { durationS: "--duration" });
    assert.ok(told instanceof UsageError);
    assert.equal((told as Error).message, "--duration: too long");
    const passable = new BoundError("durationS", "too long", { field: "force", to: "go past it" });
    assert.equal(passable.message, "durationS: too long (use force to go past it)");
    assert.equal(
      (withFlag(passable, { durationS: "--duration" }) as Error).message,
      "--duration: too long (use --force to go past it)",
    );
    const other = new Error("x");
    assert.equal(withFlag(other, { durationS: "--duration" }), other);
    const unknown = new BoundError("nothing", "y");
    assert.equal(withFlag(unknown, { durationS: "--duration" }), unknown);
  });

  it("finds the free space of a folder that does not exist yet from its parent", () => {
    const free = freeBytes(join(root, "not", "yet"));
    assert.ok(Number.isFinite(free) && free > 0);
  });
});

describe("log folders", () => {
  it("makes missing parents one level at a time and says which it made", () => {
    const dir = join(root, "a", "b", "c");
    assert.equal(makeDir(dir, "logDir"), join(root, "a"));
    assert.equal(makeDir(dir, "logDir"), undefined, "there already");
    removeMade(join(root, "a"), dir);
    assert.equal(existsSync(join(root, "a")), false, "every folder it made is gone again");
  });

  it("keeps a folder it made that is not empty", () => {
    const dir = join(root, "k", "l");
    const made = makeDir(dir, "logDir");
    writeFileSync(join(root, "k", "file"), "x");
    removeMade(made, dir);
    assert.equal(existsSync(dir), false);
    assert.equal(existsSync(join(root, "k", "file")), true);
  });

  it("refuses a file in the way with one error naming the field", () => {
    const file = join(root, "plain");
    writeFileSync(file, "x");
    for (const dir of [file, join(file, "sub")]) {
      assert.throws(
        () => makeDir(dir, "logDir"),
        (err: unknown) =>
          err instanceof DirError &&
          err.field === "logDir" &&
          err.detail === `cannot write ${dir} (ENOTDIR): a file is in the way`,
      );
    }
  });
});
