import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readLogLines, TornLineError } from "../../src/log/reader.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-reader-"));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function file(text: string): string {
  const path = join(root, `log-${++n}.jsonl`);
  writeFileSync(path, text);
  return path;
}

const lines = (path: string, want?: (line: string) => boolean) =>
  [...readLogLines(path, want)].map((l) => [
    l.line,
    (l.record as { event: string; i?: number }).i ?? l.record.event,
  ]);

describe("readLogLines", () => {
  it("reads records with their line numbers, across empty lines, CRLF and a last line without newline", () => {
    const path = file('{"event":"a","i":1}\n\n{"event":"b","i":2}\r\n{"event":"c","i":3}');
    assert.deepEqual(lines(path), [
      [1, 1],
      [3, 2],
      [4, 3],
    ]);
  });

  it("parses only the lines `want` accepts, still counting every line", () => {
    const path = file('{"event":"a","i":1}\n{"event":"b","i":2}\n{"event":"a","i":3}\n');
    assert.deepEqual(
      lines(path, (l) => l.includes('"a"')),
      [
        [1, 1],
        [3, 3],
      ],
    );
  });

  it("cuts lines correctly across 1 MiB chunks, including a line longer than a chunk", () => {
    const records: string[] = [];
    for (let i = 1; i <= 30_000; i++)
      records.push(JSON.stringify({ event: "x", i, pad: "p".repeat(i % 97) }));
    records.splice(15_000, 0, JSON.stringify({ event: "big", i: 0, pad: "q".repeat(3 << 20) }));
    const got = [...readLogLines(file(`${records.join("\n")}\n`))];
    assert.equal(got.length, records.length);
    got.forEach((l, k) => {
      assert.equal(l.line, k + 1);
      assert.equal(JSON.stringify(l.record), records[k]);
    });
  });

  it("throws TornLineError naming the line of a torn record", () => {
    const path = file('{"event":"a","i":1}\n{"event":"b","i"');
    assert.throws(
      () => [...readLogLines(path)],
      (err: unknown) => err instanceof TornLineError && err.line === 2 && err.file === path,
    );
  });
});
