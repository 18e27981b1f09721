import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { moduleEntry } from "../base/entry.js";
import { resolveExperiments } from "../run/config.js";
import { simulateRun } from "../sim/run.js";
import { writeBigRun } from "./big-run.js";

/** What making one report.html cost, measured in a process of its own. */
export interface ReportCost {
  records: number;
  /** inspect's analysis of the logs. */
  inspectMs: number;
  /** Charts to SVG and the page written, after the analysis. */
  pageMs: number;
  bytes: number;
  peakRssMb: number;
  /** Navigation start to the first frame after the load event in Chromium; NaN if not measured. */
  interactiveMs: number;
  /** The diagram's own "st-ready" mark, when the page has one. */
  diagramReadyMs?: number;
}

/** Debian's chromium, as the browser tests use it. */
const CHROMIUM = "/usr/bin/chromium";

/**
 * The demo's run, simulated: both experiments of the exercise, 5 trials of 60 s each (what
 * `npm run demo` runs for real), seeded, logged to a folder like `sim` writes.
 */
async function writeDemoRun(dir: string): Promise<number> {
  const result = await simulateRun(
    {
      experiments: resolveExperiments("all", {}),
      seed: 1,
      basePort: 5001,
      latency: { kind: "constant", ms: 0.1 },
      runDir: dir,
    },
    ["sim", "--experiment", "all", "--seed", "1"],
  );
  return result.ticks;
}

/** Runs the report worker on `dir`; resolves with its times, size and peak memory. */
async function makeReport(dir: string, html: string) {
  const worker = moduleEntry("./report-worker.js", import.meta.url);
  const child = fork(worker.path, [dir, html], { stdio: "ignore", execArgv: worker.execArgv });
  return new Promise<{ inspectMs: number; pageMs: number; bytes: number; maxRssKb: number }>(
    (resolve, reject) => {
      child.once("message", resolve as (m: unknown) => void);
      child.once("exit", (code) => reject(new Error(`report worker exited with ${code}`)));
    },
  );
}

/**
 * Time to interactive of a page in Chromium, taken as navigation start to the first frame
 * painted after the load event: by then every inline script has run and the page can be used.
 * The median of `rounds` fresh loads.
 */
export async function timeToInteractive(
  html: string,
  rounds = 5,
): Promise<{ interactiveMs: number; diagramReadyMs?: number }> {
  // Loaded here, not at the top: playwright-core is a dev dependency, the bench's alone.
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    const times: number[] = [];
    const ready: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
      const t = await page.evaluate<{ frame: number; ready: number }>(
        `new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve({
          frame: performance.now(),
          ready: performance.getEntriesByName("st-ready")[0]?.startTime ?? -1,
        }))))`,
      );
      times.push(t.frame);
      if (t.ready >= 0) ready.push(t.ready);
      await page.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    return {
      interactiveMs: median(times),
      ...(ready.length === 0 ? {} : { diagramReadyMs: median(ready) }),
    };
  } finally {
    await browser.close();
  }
}

/** The demo-sized run's report: its making (time, size, memory) and its opening in Chromium. */
export async function measureDemoReport(browser: boolean): Promise<ReportCost> {
  const dir = mkdtempSync(join(tmpdir(), "clocklab-bench-report-"));
  try {
    const records = await writeDemoRun(dir);
    const html = join(dir, "report.html");
    const made = await makeReport(dir, html);
    const opened = browser ? await timeToInteractive(html) : { interactiveMs: Number.NaN };
    return {
      records,
      inspectMs: made.inspectMs,
      pageMs: made.pageMs,
      bytes: made.bytes,
      peakRssMb: made.maxRssKb / 1024,
      ...opened,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report of a run of `records` records (3 VMs, one trial): time, size, peak memory. */
export async function measureBigReport(records: number): Promise<ReportCost> {
  const dir = mkdtempSync(join(tmpdir(), "clocklab-bench-bigreport-"));
  try {
    const written = writeBigRun(records, dir);
    const html = join(dir, "report.html");
    const made = await makeReport(dir, html);
    return {
      records: written.records,
      inspectMs: made.inspectMs,
      pageMs: made.pageMs,
      bytes: made.bytes,
      peakRssMb: made.maxRssKb / 1024,
      interactiveMs: Number.NaN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
