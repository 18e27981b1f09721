import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileUnder, folderUnder, segmentsOf } from "../../src/live/files.js";

describe("what the page servers may serve", () => {
  let root: string;
  let logs: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "clocklab-files-"));
    logs = join(root, "logs");
    mkdirSync(join(logs, "run-1", "standard"), { recursive: true });
    mkdirSync(join(logs, "run-1", "keys"));
    writeFileSync(join(logs, "run-1", "run.json"), "{}");
    writeFileSync(join(logs, "run-1", "standard", "trial-1_vm-5001_rate-1.jsonl"), "{}\n");
    writeFileSync(join(logs, "run-1", "keys", "5001.secret.json"), "secret");
    writeFileSync(join(logs, "run-1", "keys.json"), "{}");
    writeFileSync(join(logs, "run-1", "notes.sh"), "echo");
    writeFileSync(join(root, "outside.json"), "{}");
    mkdirSync(join(root, "elsewhere"));
    writeFileSync(join(root, "elsewhere", "run.json"), "{}");
    symlinkSync(join(root, "outside.json"), join(logs, "run-1", "escape.json"));
    symlinkSync(join(root, "elsewhere"), join(logs, "away"));
    symlinkSync("run-1", join(logs, "latest"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("decodes a URL path into segments and refuses every way of naming a parent or a separator", () => {
    assert.deepEqual(segmentsOf("/"), []);
    assert.deepEqual(segmentsOf("/runs/run-1/"), ["runs", "run-1"]);
    assert.deepEqual(segmentsOf("/runs/a%20b/report.html"), ["runs", "a b", "report.html"]);
    for (const bad of [
      "/runs/../etc",
      "/runs/%2e%2e/etc",
      "/runs/%2E%2E/etc",
      "/runs/..%2fetc",
      "/runs/..%5cetc",
      "/runs/a%00b",
      "/runs//x",
      "/runs/./x",
      "/runs/.hidden",
      "/runs/%E0%A4%A",
    ]) {
      assert.equal(segmentsOf(bad), undefined, bad);
    }
  });

  it("serves a file only inside the folder once links are followed, of a served type, never a key", () => {
    assert.equal(fileUnder(logs, ["run-1", "run.json"])?.endsWith(join("run-1", "run.json")), true);
    assert.ok(fileUnder(logs, ["run-1", "standard", "trial-1_vm-5001_rate-1.jsonl"]));
    assert.ok(fileUnder(logs, ["latest", "run.json"]), "a link that stays inside is followed");
    assert.equal(fileUnder(logs, ["run-1", "escape.json"]), undefined, "a link out of the folder");
    assert.equal(fileUnder(logs, ["away", "run.json"]), undefined, "a folder link out of the folder");
    assert.equal(fileUnder(logs, ["run-1", "keys", "5001.secret.json"]), undefined, "a key file");
    assert.equal(fileUnder(join(logs, "run-1"), ["keys", "5001.secret.json"]), undefined);
    assert.equal(fileUnder(logs, ["run-1", "notes.sh"]), undefined, "not a served type");
    assert.equal(fileUnder(logs, ["run-1", "missing.json"]), undefined);
    assert.equal(fileUnder(logs, ["run-1", "standard"]), undefined, "a folder is not a file");
    assert.equal(fileUnder(logs, ["..", "outside.json"]), undefined);
    assert.equal(fileUnder(logs, ["run-1", "..", "..", "outside.json"]), undefined);
    assert.equal(fileUnder(logs, []), undefined);
  });

  it("names a folder only inside the root", () => {
    assert.ok(folderUnder(logs, ["run-1"]));
    assert.ok(folderUnder(logs, ["latest"]));
    assert.equal(folderUnder(logs, ["away"]), undefined);
    assert.equal(folderUnder(logs, [".."]), undefined);
    assert.equal(folderUnder(logs, ["run-1", "keys"]), undefined);
    assert.equal(folderUnder(logs, ["run-1", "run.json"]), undefined);
  });
});
