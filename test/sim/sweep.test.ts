import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { UsageError } from "../../src/base/errors.js";
import type { CliIo } from "../../src/base/io.js";
import { main } from "../../src/cli/program.js";
import { checkGrid, intList, workersFor } from "../../src/cli/sweep.js";
import { runCell } from "../../src/sweep/cell.js";
import { runCells } from "../../src/sweep/pool.js";
import { alive, killAll, startCli } from "../helpers/processes.js";
import { until } from "../helpers/until.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-sweep-"));
after(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

/** Pids of the live children of `pid` (Linux), or undefined where that cannot be read. */
function childrenOf(pid: number): number[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return text === "" ? [] : text.split(" ").map(Number);
  } catch {
    return undefined;
  }
}

const settings = {
  vms: 3,
  trials: 3,
  durationS: 20,
  rateMax: 6,
  seed: 4,
  latency: { kind: "constant", ms: 0.1 } as const,
};

describe("clocklab sweep", () => {
  it("gives the same figures for the same cell and seed, and no jumps when every rate is equal", async () => {
    const a = await runCell({ spread: 3, eventRange: 5 }, settings);
    assert.deepEqual(await runCell({ spread: 3, eventRange: 5 }, settings), a);
    assert.equal(a.allChecksPass, true);
    assert.equal(a.internal, 0.4);
    const flat = await runCell({ spread: 0, eventRange: 5 }, settings);
    // Equal rates cannot make a clock jump (a receive is never ahead by more than one tick):
    // no figure, shown as "-" like inspect's VM without jumps, not as a mean of 0.
    assert.equal(flat.slowestMeanJump, null);
  });

  it("runs a grid on worker threads and writes the CSV and the heatmaps", async () => {
    const outs: string[] = [];
    const io: CliIo = { out: (l) => outs.push(l), err: () => {}, setExitCode: () => {} };
    const args = [
      "sweep",
      "--spreads",
      "0,4",
      "--event-ranges",
      "3,10",
      "--trials",
      "2",
      "--duration",
      "10",
      "--threads",
      "2",
    ];
    const code = await main([...args, "--log-dir", root], io);
    assert.equal(code, 0, outs.join("\n"));
    const [dir] = readdirSync(root);
    assert.ok(dir);
    const csv = readFileSync(join(root, dir, "sweep.csv"), "utf8")
      .trim()
      .split("\n");
    assert.equal(csv.length, 1 + 4);
    // Spread 0 (equal rates) never jumps: an empty CSV field and "-" in its heatmap cells.
    const column = csv[0]?.split(",").indexOf("slowestMeanJump") ?? -1;
    const flatRows = csv.slice(1).filter((line) => line.startsWith("0,"));
    assert.equal(flatRows.length, 2);
    for (const line of flatRows) assert.equal(line.split(",")[column], "", line);
    const html = readFileSync(join(root, dir, "report.html"), "utf8");
    assert.equal((html.match(/<svg/g) ?? []).length, 3);
    // The page says what it shows in words and links the CSV it was drawn from.
    assert.ok(html.includes('<a href="sweep.csv">sweep.csv</a>'));
    assert.ok(html.includes("Every check passed in every trial of every cell."));
    assert.doesNotMatch(html, /: (true|false)\./);
    assert.equal((html.match(/>-<\/text>/g) ?? []).length, 2, "the two spread-0 cells of the jump heatmap");
    assert.ok(html.includes('"-" where it never jumped'));
    for (const key of ["slowestMeanJump", "maxQueue", "maxLag"])
      assert.ok(html.includes(`<code>${key}</code>`), key);
    assert.ok(outs.some((l) => /4 cells x 2 trials: \d+ tick events/.test(l)));
  });

  it("reads lists without empty items", () => {
    const spreads = intList(0, "0,1,2,3,5");
    assert.deepEqual(spreads("3, 0,1,3"), [0, 1, 3]);
    for (const bad of ["", "1,2,", ",1", "1,,2", " ", "1.5", "-1", "a", "1e3"]) {
      assert.throws(() => spreads(bad), /expected integers >= 0 separated by commas/, JSON.stringify(bad));
    }
    assert.throws(() => intList(2, "3,4,5,7,10")("1,3"), /expected integers >= 2/);
    assert.throws(() => spreads("1,,2"), /, got "1,,2" \(item 2 is empty\)$/);
    assert.throws(
      () => intList(2, "3,4,5,7,10")("3,1"),
      /expected integers >= 2 .*\(item 2, "1", is not an integer >= 2\)$/,
    );
  });

  it("refuses a grid that would leave no cell or a range below the VMs, in one line", () => {
    const grid = { spreads: [0, 5], eventRanges: [3, 10], vms: 3, rateMax: 6 };
    checkGrid(grid);
    assert.throws(
      () => checkGrid({ ...grid, spreads: [0, 6, 10] }),
      (err: unknown) =>
        err instanceof UsageError &&
        err.message === '--spreads: expected spreads below --rate-max (6), so rates stay >= 1, got "6,10"',
    );
    assert.throws(
      () => checkGrid({ ...grid, eventRanges: [2, 3] }),
      (err: unknown) =>
        err instanceof UsageError &&
        err.message === '--event-ranges: expected ranges >= 3 (peers + 1 for --vms 3), got "2"',
    );
  });

  it("uses no more workers than cells or cores, and says how many it used", async () => {
    assert.equal(workersFor(99, 25, 2), 2);
    assert.equal(workersFor(99, 1, 8), 1);
    assert.equal(workersFor(3, 25, 8), 3);
    const outs: string[] = [];
    const io: CliIo = { out: (l) => outs.push(l), err: () => {}, setExitCode: () => {} };
    const args = ["sweep", "--spreads", "0", "--event-ranges", "3", "--trials", "1", "--duration", "5"];
    const code = await main([...args, "--threads", "99", "--log-dir", join(root, "threads")], io);
    assert.equal(code, 0, outs.join("\n"));
    assert.ok(
      outs.some((l) => / on 1 worker \(--threads 99 capped at the 1 cells\)$/.test(l)),
      outs.join("\n"),
    );
  });

  it("gives back what was done when stopped, and kills its workers", async () => {
    const controller = new AbortController();
    controller.abort();
    const none = await runCells([{ spread: 0, eventRange: 3 }], settings, 1, undefined, controller.signal);
    assert.deepEqual(none, { results: [undefined], done: 0, interrupted: true });
    const stop = new AbortController();
    const cells = [3, 4, 5].map((eventRange) => ({ spread: 1, eventRange }));
    const some = await runCells(cells, settings, 1, (done) => done === 1 && stop.abort(), stop.signal);
    assert.equal(some.interrupted, true);
    assert.equal(some.done, 1);
    assert.deepEqual(some.results[0], await runCell(cells[0] as (typeof cells)[0], settings));
    assert.deepEqual(some.results.slice(1), [undefined, undefined]);
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`stops on ${signal}: workers gone, nothing written when no cell was done, exit 130`, async () => {
      const logDir = join(root, `stopped-${signal}`);
      // Cells of hours of virtual time: no cell is done before the signal.
      const proc = startCli(
        [
          "sweep",
          "--spreads",
          "0,1",
          "--event-ranges",
          "3",
          "--duration",
          "100000",
          "--trials",
          "1",
          "--threads",
          "2",
          "--log-dir",
          logDir,
        ],
        60_000,
      );
      const pid = proc.child.pid as number;
      let workers: number[] = [];
      await until("the sweep's workers to start", () => {
        workers = childrenOf(pid) ?? [];
        return workers.length > 0;
      });
      proc.child.kill(signal);
      const result = await proc.done;
      assert.equal(result.code, 130, result.stderr);
      assert.equal(result.stdout, "sweep interrupted: no cell was done; nothing written\n");
      assert.equal(result.stderr, "");
      await until("every worker to be gone", () => workers.every((w) => !alive(w)), 2000);
      assert.deepEqual(existsSync(logDir) ? readdirSync(logDir) : [], [], "nothing written");
    });
  }
});
