import { join } from "node:path";
import { inspectPaths } from "../analysis/inspect.js";
import { renderHtml } from "../report/html.js";
import { loadReport } from "../report/load.js";
import { fileUnder, folderUnder } from "./files.js";
import { type PageServer, reply, replyFile, startServer } from "./http.js";
import { runListPage, runPage } from "./run-pages.js";
import { type RunEntry, runIn, runsIn, trialPage, trialsOf } from "./runs.js";
import { trialReport } from "./trial-report.js";

const HTML = "text/html; charset=utf-8";
/** Reports made on request, kept for the next reader (most recent few). */
const CACHED = 8;

/** A report page: of a run folder, or of one trial's logs in their run. */
async function reportOf(paths: string[], trial?: { experiment: string; runDir: string }): Promise<string> {
  const report =
    trial === undefined
      ? await inspectPaths(paths)
      : await trialReport(paths, trial.experiment, trial.runDir);
  const { renderCharts } = await loadReport();
  return renderHtml(report, await renderCharts(report), new Date());
}

/**
 * `clocklab serve`: the run folders of `logDir` and, for each, its report (the one the run
 * wrote, or one made on request), each trial's own report, and its logs. Nothing outside
 * `logDir` is served (links are followed and checked), nor any key file.
 */
export async function startServe(logDir: string, host: string, port: number): Promise<PageServer> {
  const made = new Map<string, string>();
  const remember = (key: string, html: string) => {
    made.set(key, html);
    for (const old of made.keys()) if (made.size > CACHED) made.delete(old);
    return html;
  };
  // One run's page or file reads that run's folder only, not every run's run.json.
  const runAt = (folder: string): RunEntry | undefined =>
    folderUnder(logDir, [folder]) === undefined ? undefined : runIn(logDir, folder);

  return startServer(host, port, async (segments, _req, res) => {
    if (segments.length === 0) {
      reply(res, runListPage(logDir, runsIn(logDir)), HTML);
      return true;
    }
    const [top, folder, ...rest] = segments;
    if (top !== "runs" || folder === undefined) return false;
    const run = runAt(folder);
    if (run === undefined) return false;
    if (rest.length === 0) {
      reply(res, runPage(run, trialsOf(run.dir)), HTML);
      return true;
    }
    const [name] = rest;
    if (rest.length === 1 && name === "report.html" && !run.hasReport) {
      const key = `${run.dir}\u0000run`;
      reply(res, made.get(key) ?? remember(key, await reportOf([run.dir])), HTML);
      return true;
    }
    const trial = rest.length === 1 ? trialsOf(run.dir).find((t) => trialPage(t) === name) : undefined;
    if (trial !== undefined) {
      const key = `${run.dir}\u0000${name}`;
      const files = trial.files.map((f) => join(run.dir, f));
      reply(
        res,
        made.get(key) ??
          remember(key, await reportOf(files, { experiment: trial.experiment, runDir: run.dir })),
        HTML,
      );
      return true;
    }
    const file = fileUnder(run.dir, rest);
    if (file === undefined) return false;
    replyFile(res, file);
    return true;
  });
}
