import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspectPaths } from "../analysis/inspect.js";
import { moduleEntry } from "../base/entry.js";
import { freePortBlock } from "../run/ports.js";
import type { Row } from "./rows.js";

const CLI = moduleEntry("../cli/index.js", import.meta.url);
const CHROMIUM = "/usr/bin/chromium";

/** One 3-VM run at 6 ticks/s, with or without live pages open on it. */
export interface LiveCost {
  /** Live pages open on the run (0: plain `run`, without --ui). */
  pages: number;
  durationS: number;
  /** Tick lateness over every tick of the 3 VMs (ms). */
  latenessP99Ms: number;
  latenessMaxMs: number;
  /** The orchestrator's CPU time over the run (ms), and as % of one core. */
  orchestratorCpuMs: number;
  orchestratorCpuPercent: number;
  /**
   * Each tick event, from its record's time to the frame that drew it on a page (ms), over
   * every page; absent without pages.
   */
  delay?: { count: number; p50: number; p99: number; max: number };
  checksPassed: boolean;
}

/** utime + stime of a live process, in ms (Linux /proc; NaN elsewhere or once it is gone). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // Fields 14 and 15 of stat (utime, stime), counted from the state field (3rd) here.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/**
 * `clocklab run --rates 6,6,6` for `durationS` seconds, with `pages` live pages open in
 * Chromium (and --ui) or none (plain run): the VMs' tick lateness, the orchestrator's CPU,
 * and on the pages the delay from each tick record to the frame that drew it.
 */
export async function measureLive(pages: number, durationS: number): Promise<LiveCost> {
  const dir = mkdtempSync(join(tmpdir(), "clocklab-bench-live-"));
  const { chromium } = await import("playwright-core");
  const browser =
    pages > 0
      ? await chromium.launch({
          executablePath: CHROMIUM,
          args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        })
      : undefined;
  try {
    const basePort = await freePortBlock(3);
    const args = [
      ...CLI.execArgv,
      CLI.path,
      ...["run", "--rates", "6,6,6", "--trials", "1", "--duration", String(durationS), "--seed", "1"],
      ...["--base-port", String(basePort), "--log-dir", dir, "--start-delay", "3000", "--no-html"],
      ...(pages > 0 ? ["--ui", "--ui-port", "0"] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    let cpu = Number.NaN;
    const sampling = setInterval(() => {
      const now = cpuMs(child.pid ?? 0);
      if (Number.isFinite(now)) cpu = now;
    }, 100);
    const opened = [];
    if (browser !== undefined) {
      while (!/^live: http/m.test(output)) {
        if (child.exitCode !== null) throw new Error(`bench: run --ui exited: ${output.trim()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /^live: (\S+)/m.exec(output)?.[1] as string;
      for (let i = 0; i < pages; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.goto(url);
        opened.push(page);
      }
    }
    const code = await exited;
    clearInterval(sampling);
    const delays: number[] = [];
    for (const page of opened) {
      delays.push(...(await page.evaluate<number[]>("window.clocklabLive.delays")));
    }
    if (!existsSync(join(dir, "latest")))
      throw new Error(`bench: run failed (exit ${code}): ${output.trim()}`);
    const report = await inspectPaths([join(dir, readlinkSync(join(dir, "latest")))]);
    const trial = report.trials[0];
    if (trial === undefined) throw new Error("bench: the live run left no trial");
    const lifeS = durationS + 3 + 1;
    return {
      pages,
      durationS,
      latenessP99Ms: trial.all.latenessMs.p99,
      latenessMaxMs: trial.all.latenessMs.max,
      orchestratorCpuMs: cpu,
      orchestratorCpuPercent: cpu / (lifeS * 10),
      ...(delays.length === 0
        ? {}
        : {
            delay: {
              count: delays.length,
              p50: quantile(delays, 0.5),
              p99: quantile(delays, 0.99),
              max: Math.max(...delays),
            },
          }),
      checksPassed: report.ok && code === 0,
    };
  } finally {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => quantile(xs, 0.5);

/**
 * The live section's rows from runs taken in turns (plain, pages, plain, pages, ...): lateness
 * side by side (target: with pages within 1 ms of the plain runs' worst), the orchestrator's CPU,
 * and the delay to the page (target: p99 under 250 ms over every page's events).
 */
export function liveRows(runs: readonly LiveCost[]): Row[] {
  const plain = runs.filter((r) => r.pages === 0);
  const watched = runs.filter((r) => r.pages > 0);
  const pages = watched[0]?.pages ?? 0;
  const each = (rs: readonly LiveCost[], f: (r: LiveCost) => number) =>
    rs.map((r) => f(r).toFixed(1)).join(", ");
  const worstPlain = Math.max(...plain.map((r) => r.latenessP99Ms));
  const watchedLate = median(watched.map((r) => r.latenessP99Ms));
  const delays = watched.flatMap((r) => (r.delay === undefined ? [] : [r.delay]));
  const delayP99 = Math.max(...delays.map((d) => d.p99));
  return [
    {
      section: "live",
      name: `3 VMs at 6 ticks/s, plain run: tick lateness p99 (median of ${plain.length}: ${each(plain, (r) => r.latenessP99Ms)})`,
      value: median(plain.map((r) => r.latenessP99Ms)),
      unit: "ms",
    },
    {
      section: "live",
      name: `the same with --ui and ${pages} pages open: tick lateness p99 (median of ${watched.length}: ${each(watched, (r) => r.latenessP99Ms)})`,
      value: watchedLate,
      unit: "ms",
      target: `<= plain's worst + 1 ms (${(worstPlain + 1).toFixed(1)})`,
      met: watchedLate <= worstPlain + 1,
    },
    {
      section: "live",
      name: `orchestrator CPU, % of a core: plain ${each(plain, (r) => r.orchestratorCpuPercent)}; with ${pages} pages`,
      value: median(watched.map((r) => r.orchestratorCpuPercent)),
      unit: "%",
    },
    {
      section: "live",
      name: `tick record to its event drawn on a page: p99, worst run (${delays.map((d) => `p50 ${d.p50.toFixed(0)} p99 ${d.p99.toFixed(0)} max ${d.max.toFixed(0)} of ${d.count}`).join("; ")})`,
      value: delayP99,
      unit: "ms",
      target: "< 250 ms",
      met: delayP99 < 250,
    },
  ];
}
