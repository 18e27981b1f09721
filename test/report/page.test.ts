import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { inspectPaths } from "../../src/analysis/inspect.js";
import type { CliIo } from "../../src/base/io.js";
import { main } from "../../src/cli/program.js";
import { rankedVms } from "../../src/report/chart-style.js";
import { experimentCharts } from "../../src/report/charts.js";
import { exerciseChart } from "../../src/report/exercise.js";
import { jumpRows } from "../../src/report/histograms.js";
import { gridRows } from "../../src/report/over-time.js";
import { browserMissing, launchChromium } from "../helpers/browser.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-page-"));
after(() => rmSync(root, { recursive: true, force: true }));

const io = (lines: string[]): CliIo => ({
  out: (l) => lines.push(l),
  err: (l) => lines.push(l),
  setExitCode: () => {},
});

/** Runs the CLI in this process; fails the test with its output when it does not exit 0. */
async function cli(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const code = await main(args, io(lines));
  assert.equal(code, 0, lines.join("\n"));
  return lines;
}

/** The text of the `<dd>` after `<dt>label</dt>` in the page's facts. */
function fact(html: string, label: string): string | undefined {
  const m = new RegExp(`<dt>${label}</dt><dd>(.*?)</dd>`).exec(html);
  return m?.[1];
}

interface Json {
  [k: string]: unknown;
}

let runDir = "";
let html = "";
let manifest: Json = {};

before(async () => {
  const logs = join(root, "logs");
  await cli([
    "sim",
    "--experiment",
    "standard",
    "--trials",
    "2",
    "--duration",
    "20",
    "--seed",
    "7",
    "--html",
    "--log-dir",
    logs,
  ]);
  const [name] = readdirSync(logs).filter((n) => n !== "latest");
  assert.ok(name);
  runDir = join(logs, name);
  html = readFileSync(join(runDir, "report.html"), "utf8");
  manifest = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8")) as Json;
});

describe("report page", () => {
  it("heads the page with what run.json says was run", () => {
    const config = manifest.config as Json;
    assert.equal(config.mode, "sim");
    assert.match(html, /<h1>clocklab report: simulated run, seed 7<\/h1>/);
    assert.equal(fact(html, "What ran"), `<code>clocklab ${(manifest.command as string[]).join(" ")}</code>`);
    assert.match(fact(html, "Seed") ?? "", /^7 /);
    assert.equal(fact(html, "Status"), `<span data-field="status">${manifest.status}</span>`);
    assert.equal(manifest.status, "completed");
    const started = manifest.startedAt as string;
    assert.match(
      fact(html, "When") ?? "",
      new RegExp(`started ${started.slice(0, 10)} ${started.slice(11, 19)} UTC`),
    );
    // "machine vm (...)": the host's name must not read as one of the lab's VMs.
    assert.match(fact(html, "Host") ?? "", new RegExp(`^machine ${(manifest.host as Json).hostname} \\(`));
    assert.match(fact(html, "Faults") ?? "", /latency fixed at 0\.1 ms/);
    assert.match(
      fact(html, "Experiments") ?? "",
      /<b>standard<\/b>: 3 VMs, 2 trials of 20 s, rates drawn from 1-6/,
    );
    // The header's share of internal events is of the random draws, and says so.
    assert.match(fact(html, "Experiments") ?? "", /70% of the random draws are internal events/);
    // No "trial(s)", "CPU(s)": the page counts and says "1 trial" or "2 trials".
    assert.doesNotMatch(html.replace(/<script[\s\S]*?<\/script>/g, ""), /[a-z]\(s\)|\(es\)/);
    assert.doesNotMatch(html, /class="banner"/, "a completed run has no banner");
    // Each trial's rates, VM by VM, as run.json recorded them.
    for (const t of manifest.trials as Json[]) {
      const row = new RegExp(`<tr data-trial="standard/${t.trial}">(.*?)</tr>`).exec(html)?.[1] ?? "";
      for (const v of t.vms as Json[]) {
        assert.ok(
          row.includes(`data-vm="${v.vm}" data-rate="${v.rate}"`),
          `trial ${t.trial} vm ${v.vm}: ${row}`,
        );
      }
    }
  });

  it("marks an interrupted run, and says what is not known without run.json", async () => {
    const copy = join(root, "interrupted");
    cpSync(runDir, copy, { recursive: true });
    writeFileSync(join(copy, "run.json"), JSON.stringify({ ...manifest, status: "interrupted" }));
    await cli(["inspect", copy, "--html", join(copy, "page.html"), "--json"]);
    const page = readFileSync(join(copy, "page.html"), "utf8");
    assert.match(page, /<p class="banner" role="alert" data-status="interrupted"><b>INTERRUPTED<\/b>/);

    const plain = join(root, "plain");
    mkdirSync(plain);
    for (const f of readdirSync(join(runDir, "standard")))
      cpSync(join(runDir, "standard", f), join(plain, f));
    const report = await inspectPaths([plain]);
    assert.equal(report.run, undefined);
    await cli(["inspect", plain, "--html", join(root, "plain.html")]);
    const bare = readFileSync(join(root, "plain.html"), "utf8");
    assert.match(fact(bare, "What ran") ?? "", /^not known: no run.json/);
    assert.match(bare, /<h1>clocklab report<\/h1>/);
    assert.ok(bare.includes('data-vm="5001"'), "the rates still come from the start records");
  });

  it("carries run.json in inspect --json", async () => {
    const lines = await cli(["inspect", runDir, "--json"]);
    const json = JSON.parse(lines.filter((l) => !l.startsWith("wrote ")).join("\n")) as Json;
    const run = json.run as Json;
    assert.equal(run.seed, 7);
    assert.equal(run.status, "completed");
    assert.equal(run.mode, "sim");
    assert.deepEqual(run.command, manifest.command);
  });

  it("writes µs, never us, in every chart", () => {
    const texts = [...html.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? "");
    assert.ok(texts.length > 50);
    assert.deepEqual(
      texts.filter((t) => /\d\s*us\b/.test(t)),
      [],
    );
    assert.ok(
      texts.some((t) => t.includes("µs")),
      "the latency bins are labelled in µs",
    );
  });

  it("draws every jump size from 1 to the largest, counted from the logs", async () => {
    // Jumps from the logs: on a receive, clock - previous clock - 1 when above 0.
    const counts = new Map<number, number>();
    for (const f of readdirSync(join(runDir, "standard"))) {
      let prev = 0;
      for (const line of readFileSync(join(runDir, "standard", f), "utf8")
        .trim()
        .split("\n")) {
        const r = JSON.parse(line) as { event: string; clock?: number };
        if (r.clock === undefined) continue;
        const jump = r.clock - prev - 1;
        if (r.event === "receive" && jump > 0) counts.set(jump, (counts.get(jump) ?? 0) + 1);
        prev = r.clock;
      }
    }
    const max = Math.max(...counts.keys());
    assert.ok(max >= 5, `a seeded run with jumps up to ${max}`);
    assert.ok(
      [...Array(max).keys()].some((i) => !counts.has(i + 1)),
      "some size in 1..max is absent",
    );
    const report = await inspectPaths([runDir]);
    const chart = experimentCharts("standard", report.trials).find((c) => c.name === "standard-jumps");
    const spec = chart?.spec as {
      concat: { data: { values: { size: number; count: number }[] }; encoding: Json }[];
    };
    const pooled = new Map<number, number>();
    for (const cell of spec.concat) {
      assert.deepEqual(
        cell.data.values.map((v) => v.size),
        Array.from({ length: max }, (_, i) => i + 1),
      );
      assert.deepEqual((cell.encoding.x as { scale: { domain: number[] } }).scale.domain, [0.5, max + 0.5]);
      for (const v of cell.data.values) pooled.set(v.size, (pooled.get(v.size) ?? 0) + v.count);
    }
    for (let size = 1; size <= max; size++)
      assert.equal(pooled.get(size), counts.get(size) ?? 0, `size ${size}`);
  });

  it("gives VMs of equal rate their own rank, colour and dash; a rank is one VM per trial", async () => {
    const logs = join(root, "ties");
    await cli(
      ["sim", "--experiment", "standard", "--trials", "2", "--duration", "5", "--seed", "3"].concat([
        "--rates",
        "4,2,4",
        "--log-dir",
        logs,
      ]),
    );
    const report = await inspectPaths([join(logs, "latest")]);
    for (const t of report.trials) {
      const ranked = rankedVms(t);
      // Rates 4, 2, 4: the tie is broken by VM id, so 5001 is 1st, 5003 2nd and 5002 (rate 2) last.
      assert.deepEqual(
        ranked.map((v) => [v.vm, v.rank]),
        [
          ["5001", 1],
          ["5003", 2],
          ["5002", 3],
        ],
      );
    }
    const clock = experimentCharts("standard", report.trials).find((c) => c.name === "standard-clock");
    assert.ok(clock);
    const cells = (clock.spec as { concat: { encoding: Json }[] }).concat;
    for (const cell of cells) {
      const range = (channel: string) =>
        ((cell.encoding[channel] as { scale: { range: unknown[] } }).scale.range ?? []).map((x) =>
          JSON.stringify(x),
        );
      assert.equal(new Set(range("color")).size, 3, "three colours");
      assert.equal(new Set(range("strokeDash")).size, 3, "three dashes");
    }
    // The histogram's titles count one VM-trial per trial for every rank.
    for (const r of jumpRows(report.trials).ranks) assert.match(r.title.join(" "), /, 2 VM-trials$/);
  });

  it("draws the model only over the ratios the experiment can reach, and only where it holds", async () => {
    const report = await inspectPaths([runDir]);
    const spec = exerciseChart(report) as {
      vconcat: { hconcat: { layer: { data: { values: Json[] } }[] }[] }[];
    };
    const [line] = spec.vconcat[0]?.hconcat[0]?.layer ?? [];
    const rows = (line?.data.values ?? []) as { ratio: number; skipped: number }[];
    assert.ok(rows.length > 10);
    // standard draws rates 1-6: no ratio below 1/6.
    assert.ok(Math.min(...rows.map((r) => r.ratio)) >= 1 / 6 - 1e-9);
    // Never the old drop to 0 skipped per tick for a slow VM: only the fastest skips none.
    for (const r of rows) if (r.ratio < 1) assert.ok(r.skipped > 0, JSON.stringify(r));
    assert.match(
      html,
      /the line ends at q = [\d.]+: below it a VM receives more than it can take|every VM in that range keeps up/,
    );
  });

  it("thins the over-time samples to the chart's width but keeps every peak", async () => {
    const [t] = (await inspectPaths([runDir])).trials;
    assert.ok(t !== undefined && t.grid.points > 100);
    const ranked = rankedVms(t);
    assert.ok(
      ranked.some((v) => Math.max(...(t.grid.queues[v.vm] ?? [])) > 0),
      "some queue grew",
    );
    const rows = gridRows(t, ranked, "queue", 40);
    assert.equal(rows.length, 40 * ranked.length);
    for (const v of ranked) {
      const peak = Math.max(...(t.grid.queues[v.vm] ?? []));
      assert.equal(Math.max(...rows.filter((r) => r.series === v.label).map((r) => r.value)), peak, v.label);
    }
    assert.match(ranked[0]?.label ?? "", /^\d+ \(rate \d+\)$/);
  });

  it("fits a 1,400 px window in Chromium without a console error", async (t) => {
    const missing = browserMissing();
    if (missing !== undefined) {
      t.skip(missing);
      return;
    }
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(join(runDir, "report.html")).href);
      // A string, so the test's TypeScript needs no DOM types.
      const widths = await page.evaluate<{ page: number; figures: number[] }>(`({
        page: document.documentElement.scrollWidth,
        figures: [...document.querySelectorAll('figure[id$="-clock"] svg')].map((s) => s.getBoundingClientRect().width),
      })`);
      assert.ok(widths.page <= 1400, `no horizontal scroll: ${widths.page}`);
      // The clock, lag and queue charts use the page's width (they were ~300 px of 1,400).
      assert.ok((widths.figures[0] ?? 0) > 1000, JSON.stringify(widths.figures));
      assert.deepEqual(errors, []);
      // At 800 px the page does not scroll sideways (wide tables and the rate-ratio chart scroll
      // in their own box), and the rate-ratio chart keeps its size, so its text stays readable.
      await page.setViewportSize({ width: 800, height: 900 });
      const narrow = await page.evaluate<{ page: number; exercise: number; natural: number }>(`({
        page: document.documentElement.scrollWidth,
        exercise: document.querySelector('#rate-ratios svg').getBoundingClientRect().width,
        natural: Number(document.querySelector('#rate-ratios svg').getAttribute('width')),
      })`);
      assert.ok(narrow.page <= 800, `no horizontal scroll at 800 px: ${narrow.page}`);
      assert.ok(Math.abs(narrow.exercise - narrow.natural) < 1, JSON.stringify(narrow));
    } finally {
      await browser.close();
    }
  });
});
