import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createRng, randomInt } from "../../src/base/rng.js";
import { type BadLine, BadLineError, MAX_LINE_BYTES, readLog, readLogLines } from "../../src/log/reader.js";
import type { TickRecord } from "../../src/log/schema.js";
import { recordLine } from "../../src/log/serialize.js";
import { recordProblem } from "../../src/log/validate.js";
import { simulateTrial } from "../../src/sim/trial.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-reader-"));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * A value JSON.parse read from a line, as a record read back writes it: its vector clock's map
 * form has no zero entries (SPEC section 4), whatever the line had.
 */
function asRecord(value: unknown): unknown {
  const r = value as { vc?: unknown };
  if (typeof r.vc !== "object" || r.vc === null) return value;
  return { ...r, vc: Object.fromEntries(Object.entries(r.vc).filter(([, x]) => x !== 0)) };
}

let n = 0;
function file(text: string): string {
  const path = join(root, `log-${++n}.jsonl`);
  writeFileSync(path, text);
  return path;
}

const lines = (path: string, events?: string[]) =>
  [...readLogLines(path, events === undefined ? {} : { events })].map((l) => [
    l.line,
    (l.record as { event: string; i?: number }).i ?? l.record.event,
  ]);

describe("readLogLines", () => {
  it("reads records with their line numbers, across empty lines, CRLF and a last line without newline", () => {
    const path = file(
      '{"event":"gap","t":1,"from":"a","missing":[1],"i":1}\n\n{"event":"gap","t":1,"from":"a","missing":[1],"i":2}\r\n{"event":"gap","t":1,"from":"a","missing":[1],"i":3}',
    );
    assert.deepEqual(lines(path), [
      [1, 1],
      [3, 2],
      [4, 3],
    ]);
  });

  it("returns only the records of the events asked for, still counting every line", () => {
    // As the VMs write them (decided on the bytes), spaced out, with "event" not first, and a
    // longer event name that starts like a wanted one.
    const gap = '"t":1,"from":"x","missing":[1]';
    const path = file(
      [
        `{"event":"gap",${gap},"i":1}`,
        '{"event":"reject","t":1,"reason":"r","i":2}',
        `{ "event" : "gap", ${gap}, "i": 3 }`,
        `{"i":4,"event":"gap",${gap}}`,
        '{"i":5,"event":"reject","t":1,"reason":"r"}',
        '{"event":"gaps","i":6}',
        `{"event":"gap",${gap}}`,
      ].join("\n"),
    );
    assert.deepEqual(lines(path, ["gap"]), [
      [1, 1],
      [3, 3],
      [4, 4],
      [7, "gap"],
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
    assert.equal(got.length, tick.length);
    got.forEach((l, k) => {
      const r = l.record as TickRecord;
      assert.deepEqual({ ...r, vc: r.vc.toJSON() }, asRecord(JSON.parse(tick[k] as string)), `line ${k + 1}`);
    });
  });

  it("cuts lines correctly across 1 MiB chunks, including a line longer than a chunk", () => {
    const records: string[] = [];
    const gap = { event: "gap", t: 1, from: "x", missing: [1] };
    for (let i = 1; i <= 30_000; i++) records.push(JSON.stringify({ ...gap, i, pad: "p".repeat(i % 97) }));
    records.splice(15_000, 0, JSON.stringify({ ...gap, i: 0, pad: "q".repeat(3 << 20) }));
    const got = [...readLogLines(file(`${records.join("\n")}\n`))];
    assert.equal(got.length, records.length);
    got.forEach((l, k) => {
      assert.equal(l.line, k + 1);
      assert.equal(JSON.stringify(l.record), records[k]);
    });
  });
});

/** Reads a file, returning records as [line, event] and bad lines as [line, problem, torn]. */
function readAll(path: string): { records: [number, string][]; bad: [number, string, boolean][] } {
  const bad: BadLine[] = [];
  const records = [...readLogLines(path, { onBad: (b) => bad.push(b) })].map((l): [number, string] => [
    l.line,
    l.record.event,
  ]);
  return { records, bad: bad.map((b) => [b.line, b.problem, b.torn]) };
}

const GAP = '{"event":"gap","t":1,"from":"5002","missing":[3]}';
const TICK = '{"event":"internal","t":2,"tick":1,"due":2,"clock":1,"vc":{"5001":1},"queue":0}';

describe("readLogLines on lines that are not records", () => {
  it("reports a bad line in the middle with its number and why, and reads on", () => {
    const path = file([GAP, '{"foo":1}', TICK, "not json at all", GAP, ""].join("\n"));
    assert.deepEqual(readAll(path), {
      records: [
        [1, "gap"],
        [3, "internal"],
        [5, "gap"],
      ],
      bad: [
        [2, 'no "event"', false],
        [4, 'not JSON: "not json at all"', false],
      ],
    });
  });

  it("names the field that does not fit the schema", () => {
    const bad = [
      '{"event":"foo","t":1}',
      '{"event":"internal","t":1,"tick":1.5,"clock":1,"vc":{},"queue":0}',
      '{"event":"internal","t":1,"tick":1,"clock":-1,"vc":{},"queue":0}',
      '{"event":"internal","t":1,"tick":1,"clock":1,"vc":{"a":"x"},"queue":0}',
      '{"event":"send","t":1,"tick":1,"clock":1,"vc":{},"queue":0,"to":["a"],"seq":[1,2]}',
      '{"event":"receive","t":1,"tick":1,"clock":1,"vc":{},"queue":0,"seq":1,"msgClock":0,"sentAt":0,"arrivedAt":0}',
      '{"event":"stop","t":1,"ticks":1,"sent":0,"received":0,"pending":0,"rejected":0,"reason":"bored"}',
      '{"event":"reject","t":1,"reason":"decode","count":0}',
      '{"event":"start","t":1,"vm":"5001","trial":1,"rate":0,"peers":[],"startAt":0,"duration":1,"epoch":1}',
      "[1,2]",
      '{"event":"gap","t":"soon","from":"a","missing":[1]}',
    ];
    assert.deepEqual(
      readAll(file(`${bad.join("\n")}\n`)).bad.map(([, problem]) => problem),
      [
        'event "foo" is not a record kind (start, internal, send, receive, reject, gap, fault, stop)',
        'internal record: "tick" is 1.5, not an integer >= 1',
        'internal record: "clock" is -1, not an integer >= 0',
        'internal record: "vc" is {"a":"x"}, not an object of integers >= 0',
        'send record: "to" and "seq" differ in length',
        'receive record: no "from"',
        'stop record: "reason" is "bored", not "duration" or "signal" or "error"',
        'reject record: "count" is 0, not an integer >= 1',
        'start record: "rate" is 0, not a number > 0',
        "[1,2] is not a JSON object",
        'gap record: "t" is "soon", not a finite number',
      ],
    );
  });

  it("calls only a last line without a newline torn", () => {
    // The same cut-off record: in the middle it is a bad line, at the end without newline torn.
    const cut = TICK.slice(0, 30);
    assert.deepEqual(readAll(file([GAP, cut, GAP].join("\n"))).bad, [
      [2, `not JSON: ${JSON.stringify(cut)}`, false],
    ]);
    const [torn] = readAll(file([GAP, cut].join("\n"))).bad;
    assert.equal(torn?.[0], 2);
    assert.equal(torn?.[2], true);
    assert.match(torn?.[1] ?? "", /^torn line: the last line has no newline at its end .*not JSON/);
    // With its newline it was written whole, and is just a bad line.
    assert.deepEqual(readAll(file(`${GAP}\n${cut}\n`)).bad, [[2, `not JSON: ${JSON.stringify(cut)}`, false]]);
  });

  it("reads a binary file as bad lines, without throwing", () => {
    const rng = createRng(7);
    const bytes = Buffer.alloc(200_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = randomInt(rng, 0, 255);
    const path = join(root, "binary.jsonl");
    writeFileSync(path, bytes);
    const { records, bad } = readAll(path);
    assert.deepEqual(records, []);
    // Every non-empty line is bad; about one byte in 256 is a newline.
    assert.ok(bad.length > 500, `${bad.length} bad lines`);
    assert.ok(bad.every(([, problem]) => problem.includes("not JSON")));
  });

  it("skips a line longer than MAX_LINE_BYTES without holding it, and reads the lines after it", () => {
    const path = file(`${GAP}\n${"x".repeat(MAX_LINE_BYTES + 5)}\n${GAP}\n`);
    assert.deepEqual(readAll(path), {
      records: [
        [1, "gap"],
        [3, "gap"],
      ],
      bad: [[2, "a line longer than 16 MiB (not a record)", false]],
    });
  });

  it("reports a file it cannot open as bad line 0", () => {
    assert.deepEqual(readAll(join(root, "missing.jsonl")), {
      records: [],
      bad: [[0, "cannot read the file (ENOENT)", false]],
    });
  });

  it("readLog throws BadLineError at the first bad line", () => {
    const path = file(`${GAP}\n{"event":"b","i"`);
    assert.throws(
      () => readLog(path),
      (err: unknown) => err instanceof BadLineError && err.line === 2 && err.file === path && err.bad.torn,
    );
  });

  it("agrees with JSON.parse and recordProblem on seeded damage to the lines VMs write", () => {
    // The fast path (TickScanner) must return a record exactly when the general path accepts
    // the line, and the same record.
    const vms = simulateTrial({
      ids: ["5001", "5002", "5003"],
      rates: [{ fixed: 6, min: 1, max: 6, multiplier: 1 }],
      durationS: 5,
      seed: 9,
      trial: 1,
      eventRange: 4,
    });
    const good = vms.flatMap((vm) => vm.records.map(recordLine));
    const rng = createRng(11);
    const alphabet = '0123456789-.eE,:{}[]"x ';
    const damaged: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const line = good[randomInt(rng, 0, good.length - 1)] as string;
      const at = randomInt(rng, 0, line.length - 1);
      const c = alphabet[randomInt(rng, 0, alphabet.length - 1)] as string;
      const how = randomInt(rng, 0, 2);
      damaged.push(
        how === 0
          ? line.slice(0, at) + line.slice(at + 1)
          : how === 1
            ? line.slice(0, at) + c + line.slice(at)
            : line.slice(0, at) + c + line.slice(at + 1),
      );
    }
    const all = [...good, ...damaged];
    const got = new Map<number, unknown>();
    const problems = new Map<number, string>();
    for (const l of readLogLines(file(`${all.join("\n")}\n`), {
      onBad: (b) => problems.set(b.line, b.problem),
    }))
      got.set(l.line, JSON.parse(JSON.stringify(l.record)));
    let accepted = 0;
    all.forEach((line, k) => {
      let value: unknown;
      let expected: string | undefined;
      try {
        value = JSON.parse(line);
        expected = recordProblem(value);
      } catch {
        expected = "not JSON";
      }
      if (line.trim() === "") return;
      if (expected === undefined) {
        accepted += 1;
        assert.deepEqual(
          got.get(k + 1),
          asRecord(JSON.parse(JSON.stringify(value))),
          `line ${k + 1}: ${line}`,
        );
      } else {
        assert.equal(got.has(k + 1), false, `line ${k + 1} read as a record: ${line}`);
        assert.ok(
          problems.get(k + 1)?.startsWith(expected),
          `line ${k + 1}: ${problems.get(k + 1)} for ${line}`,
        );
      }
    });
    // Damage lands in both kinds: some lines still read (a digit changed), most do not.
    assert.ok(accepted > good.length + 200 && accepted < all.length - 1000, `${accepted} accepted`);
  });
});
