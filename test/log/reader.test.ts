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

const lines = (path: string, events?: string[]) =>
  [...readLogLines(path, events)].map((l) => [
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

  it("returns only the records of the events asked for, still counting every line", () => {
    // As the VMs write them (decided on the bytes), spaced out, with "event" not first, and a
    // longer event name that starts like a wanted one.
    const path = file(
      [
        '{"event":"a","i":1}',
        '{"event":"b","i":2}',
        '{ "event" : "a", "i": 3 }',
        '{"i":4,"event":"a"}',
        '{"i":5,"event":"b"}',
        '{"event":"ab","i":6}',
        '{"event":"a"}',
      ].join("\n"),
    );
    assert.deepEqual(lines(path, ["a"]), [
      [1, 1],
      [3, 3],
      [4, 4],
      [7, "a"],
    ]);
  });

  it("reads tick records through the fast path exactly as JSON.parse reads them", () => {
    const tick = [
      '{"event":"internal","t":1700000000166.6667,"tick":1,"due":1700000000166.6667,"clock":1,"vc":{"5001":1},"queue":0}',
      '{"event":"send","t":1.5e3,"tick":2,"due":-0,"clock":2,"vc":{"5001":2,"5002":7},"queue":3,"to":["5002","5003"],"seq":[1,1]}',
      '{"event":"receive","t":10,"tick":3,"due":9.75,"clock":9,"queue":0,"vc":{"5001":3,"5002":8},"from":"5002","seq":4,"msgClock":8,"sentAt":9.5,"arrivedAt":9.6,"epoch":1700000000000}',
      // Not as a VM writes them: parsed by JSON.parse, with the same result.
      '{"event":"internal","t":1,"tick":1,"due":1,"clock":1,"vc":{"5001":1,"5002":0},"queue":0}',
      '{"event":"internal","t":1,"tick":1,"due":1,"clock":1,"vc":{"a\\u0062":1},"queue":0}',
      '{"event":"internal","t":1,"tick":1,"due":1,"clock":1,"vc":{"5001":1,"5001":2},"queue":0}',
    ];
    const got = [...readLogLines(file(tick.join("\n")))];
    got.forEach((l, k) => {
      const vc = JSON.parse(
        JSON.stringify(l.record.event === "internal" ? l.record.vc : (l.record as { vc: object }).vc),
      );
      assert.deepEqual({ ...l.record, vc }, JSON.parse(tick[k] as string), `line ${k + 1}`);
    });
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
