import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { reportOf } from "../../src/analysis/inspect.js";
import { makeStyle, renderText } from "../../src/analysis/render-text.js";
import type { TrialAnalysis } from "../../src/analysis/trial.js";
import { vcOf } from "../../src/clock/vector.js";
import type { LogRecord, RejectRecord, StartRecord, StopRecord } from "../../src/log/schema.js";
import { renderHtml } from "../../src/report/html.js";
import { analyzeFolder, analyzeRecords } from "../helpers/trial-logs.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-endings-"));
after(() => rmSync(root, { recursive: true, force: true }));

const failing = (t: TrialAnalysis) => t.checks.filter((c) => !c.ok).map((c) => c.name);
const check = (t: TrialAnalysis, name: string) => t.checks.find((c) => c.name === name);

function start(vm: string, peer: string, rate: number, duration: number): StartRecord {
  return {
    event: "start",
    t: -100,
    vm,
    trial: 1,
    rate,
    peers: [peer],
    transport: "memory",
    seed: 1,
    eventRange: 10,
    startAt: 0,
    duration,
    epoch: 1,
    version: "test",
    pid: 1,
    host: "test",
    ticksPlanned: Math.floor(rate * duration),
    gapTimeoutMs: 1000,
    drainMs: 0,
  };
}

/** `n` internal ticks of a VM of `rate`, each on its deadline (n - 1) * 1000 / rate. */
function ticks(vm: string, rate: number, n: number): LogRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const t = (i * 1000) / rate;
    return { event: "internal", t, due: t, tick: i + 1, clock: i + 1, queue: 0, vc: vcOf({ [vm]: i + 1 }) };
  });
}

function stop(t: number, n: number, reason: StopRecord["reason"], rejected = 0): StopRecord {
  return { event: "stop", t, ticks: n, sent: 0, received: 0, pending: 0, rejected, reason, links: {} };
}

describe("an interrupted trial", () => {
  // A: rate 2 for 4 s, 8 ticks planned at 0, 500, ..., 3500; a signal stops it at 1600 ms after
  // 4 ticks. Due by then: ticks at 0, 500, 1000, 1500, so 4. It ran 1.6 s: clock 4 / 1.6 s =
  // 2.5 per second, 1.25 per unit of rate (the planned 4 s would say 1 and 0.5).
  // B: rate 1 for 4 s, ran its whole duration: 4 ticks, 4 planned.
  const a = [start("A", "B", 2, 4), ...ticks("A", 2, 4), stop(1600, 4, "signal")];
  const b = [start("B", "A", 1, 4), ...ticks("B", 1, 4), stop(4000, 4, "duration")];

  it("judges tick-fidelity against the ticks due before the stop, and rates on the time run", async () => {
    const t = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records: b },
    ]);
    assert.deepEqual(failing(t), []);
    assert.equal(t.interrupted, true);
    const [sa, sb] = t.vms;
    assert.ok(sa && sb);
    assert.equal(sa.stopReason, "signal");
    assert.deepEqual([sa.ticks, sa.planned, sa.due, sa.ranS], [4, 8, 4, 1.6]);
    assert.equal(sa.clockPerSecond, 2.5);
    assert.equal(sa.clockPerRate, 1.25);
    assert.equal(sb.stopReason, "duration");
    assert.deepEqual([sb.ticks, sb.planned, sb.due, sb.ranS], [4, 4, 4, 4]);
    assert.equal(sb.clockPerSecond, 1);
  });

  it("fails tick-fidelity when ticks due long before the stop are missing", async () => {
    // Stopped at 3000 ms with 4 ticks: 7 were due (0 ... 3000), 6 surely (3000 - 100 ms grace).
    const late = [start("A", "B", 2, 4), ...ticks("A", 2, 4), stop(3000, 4, "signal")];
    const t = await analyzeRecords([
      { id: "A", records: late },
      { id: "B", records: b },
    ]);
    assert.deepEqual(failing(t), ["tick-fidelity"]);
    assert.deepEqual(check(t, "tick-fidelity")?.violations, [
      {
        where: "sim-A:6",
        message: "4 ticks, but 7 were due before the stop by a signal at 3.000 s (8 planned)",
      },
    ]);
    // A tick whose deadline lies within the grace before the stop may still be in its timer.
    const close = [start("A", "B", 2, 4), ...ticks("A", 2, 4), stop(1550, 4, "signal")];
    const justDue = [start("A", "B", 2, 4), ...ticks("A", 2, 3), stop(1550, 3, "signal")];
    for (const records of [close, justDue]) {
      const u = await analyzeRecords([
        { id: "A", records },
        { id: "B", records: b },
      ]);
      assert.deepEqual(failing(u), [], JSON.stringify(check(u, "tick-fidelity")?.violations));
    }
  });

  it("is marked in the text summary, the JSON and the HTML page, never 'every check passed' alone", async () => {
    const t = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records: b },
    ]);
    const report = reportOf(["run"], [t]);
    assert.equal(report.ok, true);
    assert.equal(report.interrupted, true);
    assert.equal(report.experiments[0]?.interrupted, 1);
    const json = JSON.parse(JSON.stringify(report));
    assert.equal(json.interrupted, true);
    assert.equal(json.trials[0].vms[0].stopReason, "signal");
    const text = renderText(report, makeStyle(false));
    assert.match(text, /== \.: 1 trial, all checks pass, 1 INTERRUPTED/);
    assert.match(
      text,
      /INTERRUPTED: a signal stopped 1 of 2 VM\(s\) 1\.600 s after the start \(ticks done: A 4 of 8\)/,
    );
    assert.match(text, /4\/8 \(4 due at stop\)/);
    const last = text.trimEnd().split("\n").at(-1);
    assert.equal(
      last,
      "every check passed, but the run was INTERRUPTED in trial 1: it covers only the time it ran",
    );
    const html = renderHtml(report, [], new Date(0));
    assert.match(html, /<span class="badt">every check passed, but the run was INTERRUPTED in trial 1/);
    assert.match(
      html,
      /trial 1: <span class="okt">all checks pass<\/span>, <span class="badt">INTERRUPTED<\/span>/,
    );
  });

  it("a run.json that says interrupted marks the report even when no trial was cut", async () => {
    const t = await analyzeRecords([
      { id: "B", records: b },
      { id: "A", records: [start("A", "B", 1, 4), ...ticks("A", 1, 4), stop(4000, 4, "duration")] },
    ]);
    assert.equal(t.interrupted, false);
    assert.equal(reportOf(["run"], [t]).interrupted, false);
    const report = reportOf(["run"], [t], "interrupted");
    assert.equal(report.interrupted, true);
    assert.match(
      renderText(report, makeStyle(false)),
      /every check passed, but the run was INTERRUPTED before its next trial/,
    );
  });
});

describe("rejects", () => {
  const reject = (reason: RejectRecord["reason"], from?: string, count?: number): RejectRecord => ({
    event: "reject",
    t: -50,
    reason,
    detail: "x",
    ...(from === undefined ? {} : { from }),
    ...(count === undefined ? {} : { count }),
  });
  // A coalesced flood: 99,990 bad integers from nobody known, 7 + 1 stale from B, 2 single ones.
  const rejects = [
    reject("bad-integer", undefined, 99_990),
    reject("stale-epoch", "B", 7),
    reject("stale-epoch", "B"),
    reject("decode"),
    reject("bad-integer", "B"),
  ];
  const total = 99_990 + 7 + 1 + 1 + 1;
  const b = [start("B", "A", 1, 2), ...ticks("B", 1, 2), stop(2000, 2, "duration")];

  it("sums count, and reports them by reason and by sender", async () => {
    const a = [start("A", "B", 1, 2), ...rejects, ...ticks("A", 1, 2), stop(2000, 2, "duration", total)];
    const t = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records: b },
    ]);
    assert.deepEqual(failing(t), []);
    const [sa] = t.vms;
    assert.ok(sa);
    assert.equal(sa.rejected, 100_000);
    assert.equal(sa.events.reject, 100_000);
    assert.deepEqual(sa.rejectReasons, { "bad-integer": 99_991, "stale-epoch": 8, decode: 1 });
    assert.deepEqual(sa.rejectSenders, { unknown: 99_991, B: 9 });
    const text = renderText(reportOf(["run"], [t]), makeStyle(false));
    assert.match(
      text,
      /rejects: vm A rejected 100000 frame\(s\): by reason bad-integer 99991, stale-epoch 8, decode 1; by sender unknown 99991, B 9/,
    );
  });

  it("fails structure when the counts do not add up to the stop record's rejected", async () => {
    const a = [start("A", "B", 1, 2), ...rejects, ...ticks("A", 1, 2), stop(2000, 2, "duration", total + 1)];
    const t = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records: b },
    ]);
    assert.deepEqual(failing(t), ["structure"]);
    assert.equal(
      check(t, "structure")?.violations[0]?.message,
      "stop says 100001 rejected, the reject records add up to 100000",
    );
  });

  it("counts a coalesced queue-full record as that many refused messages for conservation", async () => {
    // A (rate 5) sends B 5 messages; B's queue was full for 4 of them (one record, count 4).
    const a: LogRecord[] = [start("A", "B", 5, 1)];
    for (let seq = 1; seq <= 5; seq++) {
      const t = (seq - 1) * 200;
      a.push({
        event: "send",
        t,
        due: t,
        tick: seq,
        clock: seq,
        queue: 0,
        vc: vcOf({ A: seq }),
        to: ["B"],
        seq: [seq],
      });
    }
    a.push({ ...stop(1000, 5, "duration"), sent: 5, links: { B: { sent: 5, received: 0, pending: 0 } } });
    const bLog: LogRecord[] = [
      start("B", "A", 1, 1),
      { ...reject("queue-full", "A", 4) },
      {
        event: "receive",
        t: 900,
        due: 0,
        tick: 1,
        clock: 6,
        queue: 0,
        vc: vcOf({ A: 5, B: 1 }),
        from: "A",
        seq: 5,
        msgClock: 5,
        sentAt: 800,
        arrivedAt: 800.5,
        epoch: 1,
      },
      stop(1000, 1, "duration", 4),
    ];
    const t = await analyzeRecords([
      { id: "A", records: a },
      { id: "B", records: bLog },
    ]);
    assert.deepEqual(failing(t), [], JSON.stringify(t.checks.filter((c) => !c.ok)));
    assert.equal(t.vms[1]?.rejected, 4);
    // Counted once per record, conservation would miss 3 of the 5.
    assert.equal(check(t, "conservation")?.checked, 1);
  });
});

describe("a log with nothing in it", () => {
  it("an empty file: one structure failure, the file's name as vm, no NaN in the text", async () => {
    const dir = join(root, "empty");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir);
    writeFileSync(join(dir, "trial-1_vm-5001_rate-2.jsonl"), "");
    const t = await analyzeFolder(dir);
    assert.deepEqual(failing(t), ["structure"]);
    assert.deepEqual(check(t, "structure")?.violations, [
      { where: join(dir, "trial-1_vm-5001_rate-2.jsonl:1"), message: "empty log: no records at all" },
    ]);
    assert.equal(t.vms[0]?.vm, "trial-1_vm-5001_rate-2.jsonl");
    const text = renderText(reportOf([dir], [t]), makeStyle(false));
    assert.doesNotMatch(text, /NaN|undefined/);
    assert.match(text, /trial-1_vm-5001_rate-2\.jsonl +- +0\/- /);
  });
});
