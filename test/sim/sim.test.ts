import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, it } from "node:test";
import { main } from "../../src/cli/program.js";
import { captureIo } from "../helpers/io.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-sim-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** Every log file under a folder, by path relative to the run folder, with its bytes. */
function logsOf(logDir: string): Map<string, string> {
  const [run] = readdirSync(logDir).filter((d) => d !== "latest");
  assert.ok(run, `no run folder in ${logDir}`);
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".jsonl"))
        out.set(relative(join(logDir, run), full), readFileSync(full, "utf8"));
    }
  };
  walk(join(logDir, run));
  return out;
}

describe("clocklab sim", () => {
  it("gives byte-identical logs for the same configuration and seed, and they pass every check", async () => {
    const runs = [];
    for (const name of ["a", "b"]) {
      const io = captureIo();
      const code = await main(
        ["sim", "--experiment", "standard", "--seed", "1", "--log-dir", join(root, name)],
        io,
      );
      assert.equal(code, 0, io.outs.join("\n") + io.errs.join("\n"));
      assert.ok(io.outs.some((l) => l.includes("every check passed")));
      runs.push(logsOf(join(root, name)));
    }
    const [a, b] = runs as [Map<string, string>, Map<string, string>];
    assert.equal(a.size, 15, "5 trials x 3 VMs");
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [file, text] of a) assert.equal(b.get(file), text, `${file} differs between two runs`);
  });

  it("changes with the seed", async () => {
    const io = captureIo();
    await main(["sim", "--trials", "1", "--seed", "2", "--log-dir", join(root, "c")], io);
    const other = logsOf(join(root, "c"));
    const first = logsOf(join(root, "a"));
    assert.equal(other.size, 3);
    for (const text of other.values())
      assert.ok(![...first.values()].includes(text), "seed 2 repeated a seed-1 log");
  });

  it("writes nothing with --no-logs and still reports every check", async () => {
    const io = captureIo();
    const dir = join(root, "none");
    const code = await main(
      ["sim", "--vms", "5", "--event-range", "8", "--duration", "120", "--no-logs", "--log-dir", dir],
      io,
    );
    assert.equal(code, 0, io.errs.join("\n"));
    assert.equal(existsSync(dir), false);
    assert.ok(io.outs.some((l) => /simulated \d+ ticks/.test(l)));
    assert.ok(io.outs.some((l) => l.includes("every check passed")));
  });
});
