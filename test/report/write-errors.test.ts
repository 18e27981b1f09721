import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { BufferedFile } from "../../src/analysis/buffered-file.js";
import { SetupError } from "../../src/base/errors.js";
import { flagsOf, tellWithFlags } from "../../src/cli/flags.js";
import { writeHtml, writeImages } from "../../src/report/index.js";
import { resolveExperiments } from "../../src/run/config.js";
import { simulateRun } from "../../src/sim/run.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-write-errors-"));
after(() => rmSync(root, { recursive: true, force: true }));
// A file where a folder would have to be: every write under it fails (ENOTDIR, or EEXIST when
// a folder of that name is to be made).
const file = join(root, "a-file");
writeFileSync(file, "");

/** The error `f` throws: a SetupError about `field`, whose message `inspect` prints as `told`. */
function refuses(f: () => unknown, field: string, told: string): void {
  assert.throws(f, (err: unknown) => {
    assert.ok(err instanceof SetupError);
    assert.equal(err.fault?.field, field);
    assert.equal((tellWithFlags(err, flagsOf("inspect")) as Error).message, told);
    return true;
  });
}

describe("files the report and the exports cannot write", () => {
  it("name the field of the flag that chose them", async () => {
    const { report } = await simulateRun(
      {
        experiments: resolveExperiments("standard", { trials: 1, durationS: 2 }),
        seed: 1,
        basePort: 5001,
        latency: { kind: "none" },
        runDir: undefined,
      },
      [],
    );
    refuses(
      () => writeHtml(join(file, "r.html"), report, []),
      "html",
      `--html: cannot write ${file}/r.html (ENOTDIR)`,
    );
    refuses(() => writeImages(join(file, "png"), []), "png", `--png: cannot create ${file}/png`);
    refuses(
      () => new BufferedFile(join(file, "events.csv"), "csv"),
      "csv",
      `--csv: cannot write ${file}/events.csv (EEXIST)`,
    );
    refuses(
      () => new BufferedFile(join(file, "x.log"), "shiviz"),
      "shiviz",
      `--shiviz: cannot write ${file}/x.log (EEXIST)`,
    );
  });
});
