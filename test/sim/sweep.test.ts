import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { CliIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/program.js";
import { runCell } from "../../src/sweep/cell.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-sweep-"));
after(() => rmSync(root, { recursive: true, force: true }));

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
    assert.equal(
      flat.slowestMeanJump,
      0,
      "equal rates cannot make a clock jump... unless a message outruns a tick",
    );
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
    const html = readFileSync(join(root, dir, "report.html"), "utf8");
    assert.equal((html.match(/<svg/g) ?? []).length, 3);
    assert.ok(outs.some((l) => /4 cells x 2 trials: \d+ tick events/.test(l)));
  });
});
