import { mkdirSync, writeFileSync } from "node:fs";

export { renderSvg } from "./render.js";

import { join } from "node:path";
import { EXERCISE_FIGURE } from "../analysis/findings.js";
import type { InspectReport } from "../analysis/inspect.js";
import { SetupError } from "../base/errors.js";
import { experimentCharts } from "./charts.js";
import { exerciseChart } from "./exercise.js";
import { type RenderedChart, renderHtml } from "./html.js";
import { renderSvg, svgToPng } from "./render.js";

/**
 * Renders every chart of every experiment to SVG: those of the page, and with `images` also
 * those made only for --png (the static space-time strip; the page draws every event instead).
 */
export async function renderCharts(
  report: InspectReport,
  { images = false }: { images?: boolean } = {},
): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const e of report.experiments) {
    const trials = report.trials.filter((t) => t.experiment === e.experiment);
    for (const chart of experimentCharts(e.experiment, trials)) {
      if (chart.imageOnly && !images) continue;
      out.push({
        experiment: e.experiment,
        name: chart.name,
        title: chart.title,
        svg: await renderSvg(chart.spec),
        ...(chart.caption === undefined ? {} : { caption: chart.caption }),
        ...(chart.imageOnly ? { imageOnly: true as const } : {}),
      });
    }
  }
  // The exercise's chart spans every experiment: one point per VM per trial.
  if (report.experiments.some((e) => e.ratios.length > 0)) {
    const svg = await renderSvg(exerciseChart(report));
    out.push({ experiment: "", name: EXERCISE_FIGURE, title: "Against the rate ratio", svg });
  }
  return out;
}

/** Writes one file; `field` names the input that chose it (`html`, `png`), for the error. */
function write(path: string, data: string | Buffer, field: string): void {
  try {
    writeFileSync(path, data);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new SetupError({ field, detail: `cannot write ${path} (${code})` }, { cause: err });
  }
}

/** Writes the HTML report (with an optional leading section, e.g. a comparison); returns its path. */
export function writeHtml(
  path: string,
  report: InspectReport,
  charts: RenderedChart[],
  lead?: Parameters<typeof renderHtml>[3],
): string {
  write(path, renderHtml(report, charts, new Date(), lead), "html");
  return path;
}

/** Writes each chart as SVG and PNG into `dir`; returns the files written. */
export function writeImages(dir: string, charts: RenderedChart[]): string[] {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new SetupError({ field: "png", detail: `cannot create ${dir}` }, { cause: err });
  }
  return charts.flatMap((c) => {
    const svgPath = join(dir, `${c.name}.svg`);
    const pngPath = join(dir, `${c.name}.png`);
    write(svgPath, c.svg, "png");
    write(pngPath, svgToPng(c.svg), "png");
    return [svgPath, pngPath];
  });
}
