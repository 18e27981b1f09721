import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cases as inspectCases } from "./cases/inspect.js";
import { cases as simCases } from "./cases/sim-sweep-keys.js";
import type { EdgeCase } from "./cases/types.js";
import { cases as vmRunCases } from "./cases/vm-run.js";
import { cliCommand, judge, type Outcome, processesWith, runRow } from "./edge-runner.js";

/**
 * The table-driven CLI edge test: every row is a user's mistake, run as a real `clocklab`
 * process in a fresh folder; each must end with its exit code, exactly one line on stderr
 * naming the flag, the value and what was expected, no stack trace, no partial report on
 * stdout, nothing new in the folder and no process left running.
 */

const ROW_LIMIT_MS = 20_000;
const table: [string, EdgeCase[]][] = [
  ["vm, run, compare", vmRunCases],
  ["sim, sweep, keys", simCases],
  ["inspect", inspectCases],
];

describe(`CLI edge table (${cliCommand().what})`, () => {
  it("has rows with unique names", () => {
    const names = table.flatMap(([, rows]) => rows.map((r) => r.name));
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    assert.deepEqual(twice, [], `row names given twice: ${twice.join(", ")}`);
  });

  for (const [area, rows] of table) {
    // Two rows at a time: each is a short process, mostly waiting on node's start.
    describe(area, { concurrency: 2 }, () => {
      for (const row of rows) {
        it(`${row.name}: clocklab ${row.args.join(" ")}`, async () => {
          const dir = mkdtempSync(join(tmpdir(), "clocklab-edge-"));
          try {
            row.setup?.(dir);
            const outcome = await runRow(row, dir, ROW_LIMIT_MS);
            const problems = judge(row, outcome);
            assert.deepEqual(
              problems,
              [],
              `stderr: ${outcome.stderr}\nstdout: ${outcome.stdout.slice(0, 500)}`,
            );
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        });
      }
    });
  }
});

describe("the edge table's judge", () => {
  const row: EdgeCase = { name: "t", args: [], stderr: /--port: expected an integer/ };
  const good: Outcome = {
    code: 2,
    signal: null,
    stdout: "",
    stderr: 'clocklab: --port: expected an integer 1-65535, got "x"\n',
    timedOut: false,
    newPaths: [],
    leftovers: [],
  };

  it("passes a clean refusal", () => {
    assert.deepEqual(judge(row, good), []);
  });

  const bad: [string, Partial<Outcome>, RegExp][] = [
    ["another exit code", { code: 0 }, /exit code 0, expected 2/],
    ["a kill by signal", { code: null, signal: "SIGKILL", timedOut: true }, /time limit.*signal SIGKILL/s],
    ["two lines", { stderr: `${good.stderr}clocklab: and more\n` }, /2 lines/],
    ["no line", { stderr: "" }, /0 lines/],
    ["another message", { stderr: "clocklab: --others: bad\n" }, /does not match/],
    ["no prefix", { stderr: '--port: expected an integer 1-65535, got "x"\n' }, /does not start/],
    [
      "a stack trace",
      { stderr: "clocklab: --port: expected an integer\n    at main (index.js:1:1)\n" },
      /stack trace/,
    ],
    ["a partial report", { stdout: "run logs/x: standard 5 x 60 s\n" }, /stdout is not empty/],
    ["a new folder", { newPaths: ["logs", "logs/latest"] }, /left behind.*logs, logs\/latest/],
    ["a live process", { leftovers: [4242] }, /left processes running: 4242/],
  ];
  for (const [what, change, pattern] of bad) {
    it(`fails ${what}`, () => {
      const problems = judge(row, { ...good, ...change });
      assert.ok(problems.length > 0, "no problem found");
      assert.match(problems.join("; "), pattern);
    });
  }

  it("allows the paths a row names, and what is under them", () => {
    const withLog = { ...row, allowNew: ["out"] };
    assert.deepEqual(judge(withLog, { ...good, newPaths: ["out", "out/a.csv"] }), []);
    assert.match(
      judge(withLog, { ...good, newPaths: ["output"] }).join(),
      /left behind in the working folder: output/,
    );
  });

  it("holds a finished report on stdout to the row's pattern", () => {
    const reporting = { ...row, code: 1, stdout: /readable/ };
    assert.deepEqual(judge(reporting, { ...good, code: 1, stdout: "FAIL readable\n" }), []);
    assert.match(judge(reporting, { ...good, code: 1, stdout: "ok\n" }).join(), /stdout does not match/);
  });

  it("finds a process of the row that left its session, and not others", async (t) => {
    if (processesWith("x") === undefined) {
      t.skip("no /proc here: leftover processes are not checkable");
      return;
    }
    const token = `judge-${process.pid}`;
    const child = spawn("sleep", ["30"], {
      detached: true,
      stdio: "ignore",
      env: { ...process.env, CLOCKLAB_EDGE_ROW: token },
    });
    try {
      assert.deepEqual(processesWith(`CLOCKLAB_EDGE_ROW=${token}`), [child.pid]);
      assert.deepEqual(processesWith(`CLOCKLAB_EDGE_ROW=${token}-other`), []);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("runs a real process and sees the folder it made and what it printed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clocklab-edge-self-"));
    try {
      // A real process that creates a run folder before refusing a value: the runner must see both.
      const outcome = await runRow(
        { name: "self", args: ["sim", "--log-dir", "made", "--duration", "1", "--trials", "1"], stderr: /x/ },
        dir,
        ROW_LIMIT_MS,
      );
      assert.equal(outcome.timedOut, false);
      assert.equal(outcome.code, 0);
      assert.ok(outcome.newPaths.includes("made"), `new paths: ${outcome.newPaths.join(", ")}`);
      assert.ok(outcome.stdout.length > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
