import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SHIVIZ_DELIMITER, SHIVIZ_REGEX } from "../../src/analysis/export-shiviz.js";
import type { CliIo } from "../../src/base/io.js";
import { main } from "../../src/cli/program.js";
import type { LogRecord } from "../../src/log/schema.js";
import { simulateTrial } from "../../src/sim/trial.js";
import { browserMissing, launchChromium } from "../helpers/browser.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-export-"));
const run = join(root, "run");
const records = new Map<string, LogRecord[]>();
let code = -1;
const io: CliIo & { outs: string[]; errs: string[] } = {
  outs: [],
  errs: [],
  out: (l) => io.outs.push(l),
  err: (l) => io.errs.push(l),
  setExitCode: () => {},
};

before(async () => {
  for (const trial of [1, 2]) {
    const dir = join(run, "standard");
    mkdirSync(dir, { recursive: true });
    const vms = simulateTrial({
      ids: ["5001", "5002", "5003"],
      rates: [1, 2, 3].map(() => ({ min: 1, max: 6, multiplier: 1 })),
      durationS: 10,
      seed: trial,
      trial,
      eventRange: 10,
    });
    for (const vm of vms) {
      const file = join(dir, `trial-${trial}_vm-${vm.id}_rate-${vm.rate}.jsonl`);
      records.set(file, vm.records);
      writeFileSync(file, `${vm.records.map((r) => JSON.stringify(r)).join("\n")}\n`);
    }
  }
  code = await main(
    [
      "inspect",
      run,
      "--html",
      "--png",
      join(root, "png"),
      "--csv",
      join(root, "csv"),
      "--shiviz",
      join(root, "run.shiviz"),
    ],
    io,
  );
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A small RFC 4180 reader, enough to prove the file reads back as written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  return rows;
}

describe("inspect exports", () => {
  it("passes the checks of a good run and says what it wrote", () => {
    assert.equal(code, 0, io.errs.join("\n"));
    for (const f of ["report.html", "events.csv", "summary.csv", "run.shiviz"]) {
      assert.ok(
        io.outs.some((l) => l.startsWith("wrote ") && l.endsWith(f)),
        `no "wrote ...${f}"`,
      );
    }
  });

  it("writes events.csv with one row per record, vc as JSON", () => {
    const rows = parseCsv(readFileSync(join(root, "csv", "events.csv"), "utf8"));
    const [header, ...body] = rows;
    assert.ok(header);
    const total = [...records.values()].reduce((s, r) => s + r.length, 0);
    assert.equal(body.length, total);
    const at = (name: string) => header.indexOf(name);
    for (const row of body) assert.equal(row.length, header.length);
    const first = body.find((r) => r[at("event")] === "receive");
    assert.ok(first);
    const vc = JSON.parse(first[at("vc")] as string) as Record<string, number>;
    assert.ok(Object.values(vc).every((n) => Number.isInteger(n)));
  });

  it("writes summary.csv with one row per VM per trial", () => {
    const rows = parseCsv(readFileSync(join(root, "csv", "summary.csv"), "utf8"));
    assert.equal(rows.length, 1 + 6);
    const header = rows[0] ?? [];
    for (const row of rows.slice(1)) assert.equal(row[header.indexOf("checksOk")], "true");
  });

  it("writes a ShiViz log: regex and delimiter header, every tick a parsable line", () => {
    const lines = readFileSync(join(root, "run.shiviz"), "utf8").split("\n");
    assert.equal(lines[0], SHIVIZ_REGEX);
    assert.equal(lines[1], SHIVIZ_DELIMITER);
    assert.equal(lines[2], "");
    const event = new RegExp(`^${SHIVIZ_REGEX}$`);
    const delimiter = new RegExp(SHIVIZ_DELIMITER);
    const body = lines.slice(3).filter((l) => l !== "");
    const executions = body.filter((l) => delimiter.test(l));
    assert.deepEqual(executions, ["=== standard trial 1 ===", "=== standard trial 2 ==="]);
    const events = body.filter((l) => !delimiter.test(l));
    const ticks = [...records.values()].flat().filter((r) => "tick" in r).length;
    assert.equal(events.length, ticks);
    for (const line of events) {
      const m = event.exec(line);
      assert.ok(m?.groups, `no match: ${line}`);
      const clock = JSON.parse(m.groups.clock as string) as Record<string, number>;
      assert.ok((clock[m.groups.host as string] ?? 0) >= 1, "own entry missing from the vector clock");
    }
  });

  it("writes a ShiViz log that obeys ShiViz's rules: own entries count 1, 2, 3, ..., others refer to real events", () => {
    const lines = readFileSync(join(root, "run.shiviz"), "utf8").split("\n").slice(3);
    const event = new RegExp(`^${SHIVIZ_REGEX}$`);
    const delimiter = new RegExp(SHIVIZ_DELIMITER);
    const executions: { host: string; clock: Record<string, number> }[][] = [];
    for (const line of lines) {
      if (line === "") continue;
      if (delimiter.test(line)) executions.push([]);
      else {
        const g = event.exec(line)?.groups ?? {};
        executions.at(-1)?.push({ host: g.host as string, clock: JSON.parse(g.clock as string) });
      }
    }
    assert.equal(executions.length, 2, "one execution per trial");
    for (const events of executions) {
      const count = new Map<string, number>();
      for (const e of events) count.set(e.host, (count.get(e.host) ?? 0) + 1);
      const seen = new Map<string, number>();
      for (const e of events) {
        const n = (seen.get(e.host) ?? 0) + 1;
        seen.set(e.host, n);
        assert.equal(e.clock[e.host], n, `${e.host}'s own component is not ${n}`);
        for (const [other, k] of Object.entries(e.clock)) {
          assert.ok(
            k >= 1 && k <= (count.get(other) ?? 0),
            `${e.host} refers to event ${k} of ${other}, which does not exist`,
          );
        }
      }
    }
  });

  it("writes one self-contained HTML page with charts that explain themselves on hover", () => {
    const html = readFileSync(join(run, "report.html"), "utf8");
    assert.match(html, /^<!doctype html>/);
    assert.ok((html.match(/<svg/g) ?? []).length >= 6, "fewer than 6 charts");
    // The static space-time strip is an image only (--png): the page draws every event instead.
    assert.doesNotMatch(html, /id="[^"]*-spacetime"/);
    assert.match(html, /id="diagram"/);
    assert.match(html, /all checks pass/);
    assert.doesNotMatch(html, /(src|href)="https?:/, "the page loads something from outside");
  });

  it("opens in headless Chromium: every chart renders, no console errors", {
    skip: browserMissing(),
  }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) problems.push(`request to ${r.url()}`);
      });
      await page.goto(`file://${join(run, "report.html")}`);
      const charts = await page.$$eval("figure svg", (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          return {
            width: box.width,
            height: box.height,
            marks: svg.querySelectorAll("path, rect, line").length,
          };
        }),
      );
      // An experiment's six charts (clock, drift, queue, jumps, latency, latency over time), and
      // the exercise's chart against the rate ratio.
      assert.equal(charts.length, 7);
      for (const c of charts) {
        assert.ok(c.width > 100 && c.height > 50, `a chart has no size: ${JSON.stringify(c)}`);
        assert.ok(c.marks > 10, `a chart has no marks: ${JSON.stringify(c)}`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });

  it("writes every chart as SVG and PNG, the space-time strip with its messages explained on hover", () => {
    const files = readdirSync(join(root, "png")).sort();
    assert.ok(files.length >= 14);
    const strip = files.find((f) => f.endsWith("-spacetime.svg"));
    assert.ok(strip, `no space-time strip among ${files.join(", ")}`);
    assert.match(
      readFileSync(join(root, "png", strip), "utf8"),
      /<title>5\d{3} -&gt; 5\d{3} seq \d+: sent at clock \d+/,
    );
    for (const f of files) {
      const data = readFileSync(join(root, "png", f));
      if (f.endsWith(".png")) assert.deepEqual([...data.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
      else assert.match(data.toString("utf8", 0, 200), /<svg/);
    }
  });
});
