import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { LogTail } from "../../src/run/tail.js";

const dir = mkdtempSync(join(tmpdir(), "clocklab-tail-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("LogTail", () => {
  it("counts a coalesced reject record as the rejects it stands for, across polls and a split line", () => {
    const file = join(dir, "trial-1_vm-5001_rate-2.jsonl");
    const line = (r: object) => `${JSON.stringify(r)}\n`;
    writeFileSync(file, line({ event: "reject", t: 1, reason: "decode", detail: "x" }));
    const tail = new LogTail(file, "5001", 2, 10);
    assert.equal(tail.poll().rejected, 1);
    const coalesced = line({ event: "reject", t: 2, reason: "decode", detail: "x", count: 4997 });
    // Half a line now, the rest later: a record is folded only once it is complete.
    appendFileSync(file, coalesced.slice(0, 20));
    assert.equal(tail.poll().rejected, 1);
    appendFileSync(file, coalesced.slice(20) + line({ event: "reject", t: 3, reason: "shape", detail: "y" }));
    assert.equal(tail.poll().rejected, 1 + 4997 + 1);
  });
});
