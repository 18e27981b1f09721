import type { ExperimentSummary } from "../analysis/experiment.js";
import { EXERCISE_FIGURE, type Finding, findingsOf } from "../analysis/findings.js";
import type { InspectReport } from "../analysis/inspect.js";
import { expectTrial } from "../analysis/model.js";
import type { VmRatio } from "../analysis/ratios.js";
import { formatNumber } from "../analysis/table.js";
import { esc } from "./escape.js";

/** A Vega-Lite spec (kept loose: the compiler validates it). */
type Spec = Record<string, unknown>;

/** Blue and vermilion (Okabe-Ito): far apart in hue and lightness, safe for colour-blind readers. */
const COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"];

const label = (e: string) => (e === "." ? "run" : e);

/** The four measures drawn against the rate ratio, with what the model draws for each. */
const PANELS = [
  { field: "skipped", title: "clock values skipped per tick", model: true },
  { field: "jump", title: "mean jump (values skipped per jump)", model: false },
  { field: "lag", title: "largest lag behind the largest clock", model: true },
  { field: "queue", title: "mean queue (messages waiting)", model: true },
] as const;

function point(v: VmRatio) {
  return {
    experiment: label(v.experiment),
    ratio: v.ratio,
    skipped: v.skippedPerTick,
    jump: Number.isFinite(v.jumps.mean) ? v.jumps.mean : null,
    lag: v.lagMax,
    queue: v.queueMean,
    label: `${label(v.experiment)} trial ${v.trial} VM ${v.vm}: rate ${v.rate} of ${v.fastest} (ratio ${formatNumber(v.ratio)}), ${formatNumber(v.skippedPerTick)} skipped per tick, mean jump ${formatNumber(v.jumps.mean)}, largest lag ${v.lagMax}, mean queue ${formatNumber(v.queueMean)}${v.queueTrend.grew ? " (its queue grew: it did not keep up)" : ""}`,
  };
}

/**
 * The model's curve for one experiment: a VM at ratio q in a trial of that experiment's shape,
 * the fastest at the mean fastest rate f and any other VM at the mean ratio of the slower VMs.
 */
function modelLine(e: ExperimentSummary, durationS: number) {
  const f = mean(e.ratios.filter((v) => v.rank === 1).map((v) => v.rate));
  const slower = mean(e.ratios.filter((v) => v.rank > 1).map((v) => v.ratio));
  const perTrial = Math.round(e.ratios.length / Math.max(1, e.trials));
  const low = Math.min(0.1, ...e.ratios.map((v) => v.ratio));
  const rows = [];
  for (let q = low; q <= 1.0001; q += 0.01) {
    const others = Array.from(
      { length: Math.max(0, perTrial - 2) },
      () => (Number.isFinite(slower) ? slower : 1) * f,
    );
    const [x] = expectTrial({ rates: [q * f, f, ...others], eventRange: e.eventRange, durationS });
    // Near a load of 1 neither the steady state nor linear growth describes a finite trial.
    if (x === undefined || (x.load > 0.95 && x.load < 1)) continue;
    rows.push({
      experiment: label(e.experiment),
      ratio: Math.min(1, q),
      regime: x.keepsUp ? "keeps up (steady state)" : "cannot keep up (queue grows)",
      skipped: x.skippedPerTick,
      lag: x.lagMax,
      queue: x.queueMean,
    });
  }
  return rows;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Seconds a trial of the experiment ran (the longest VM). */
function durationOf(report: InspectReport, experiment: string): number {
  return Math.max(
    ...report.trials.filter((t) => t.experiment === experiment).flatMap((t) => t.vms.map((v) => v.ranS)),
  );
}

/** The exercise's chart: jumps, lag and queue against the rate ratio, every VM of every trial. */
export function exerciseChart(report: InspectReport): Spec {
  const experiments = report.experiments.map((e) => label(e.experiment));
  const points = report.experiments.flatMap((e) => e.ratios.map(point));
  const lines = report.experiments.flatMap((e) =>
    Number.isFinite(e.eventRange) ? modelLine(e, durationOf(report, e.experiment)) : [],
  );
  const colour = {
    field: "experiment",
    type: "nominal",
    title: "experiment",
    scale: { domain: experiments, range: COLOURS.slice(0, experiments.length) },
  };
  const x = {
    field: "ratio",
    type: "quantitative",
    title: "rate ratio q = rate / fastest rate of its trial",
    scale: { domain: [0, 1] },
  };
  const top = (field: "skipped" | "jump" | "lag" | "queue") =>
    Math.max(1, ...points.map((r) => r[field]).filter((v): v is number => v !== null && Number.isFinite(v)));
  const panel = (p: (typeof PANELS)[number]) => {
    const y = {
      field: p.field,
      type: "quantitative",
      title: p.title,
      // The model's lines run far above the points where a VM cannot keep up: clipped there.
      scale:
        p.field === "queue"
          ? { type: "symlog", domain: [0, top(p.field) * 1.5], nice: false }
          : { zero: true, domain: [0, top(p.field) * 1.25], nice: false },
    };
    const layers: Spec[] = [];
    if (p.model) {
      layers.push({
        data: { values: lines },
        mark: { type: "line", strokeWidth: 2, opacity: 0.8, clip: true },
        encoding: {
          x,
          y,
          color: colour,
          detail: { field: "regime" },
          strokeDash: {
            field: "regime",
            type: "nominal",
            title: "model",
            scale: {
              domain: ["keeps up (steady state)", "cannot keep up (queue grows)"],
              range: [
                [1, 0],
                [5, 4],
              ],
            },
          },
        },
      });
    }
    layers.push({
      data: { values: points },
      mark: { type: "point", filled: true, size: 60, opacity: 0.85 },
      encoding: {
        x,
        y,
        color: colour,
        shape: { field: "experiment", type: "nominal", title: "experiment" },
        description: { field: "label" },
      },
    });
    // No panel title: the y axis names the measure, and titles of unequal height misalign the grid.
    return { width: 560, height: 260, layer: layers };
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Jumps, lag and queue against the rate ratio: one point per VM per trial, lines from the model",
    config: {
      font: "DejaVu Sans, Helvetica, Arial, sans-serif",
      view: { stroke: "#ddd" },
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 12, titleFontSize: 12, orient: "top", labelLimit: 320 },
      title: { fontSize: 14, anchor: "start" },
    },
    resolve: { scale: { color: "shared", shape: "shared", strokeDash: "shared" } },
    vconcat: [
      { hconcat: [panel(PANELS[0]), panel(PANELS[1])] },
      { hconcat: [panel(PANELS[2]), panel(PANELS[3])] },
    ],
  };
}

/** Findings grouped under their experiment (the comparison last), each linking to its chart. */
function findingList(findings: Finding[]): string {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.experiment === undefined ? "" : label(f.experiment);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups]
    .map(([group, list]) => {
      const items = list.map((f) => {
        // The group's heading names the experiment: the sentence need not repeat it.
        const prefix =
          f.experiment === undefined ? "" : `${f.experiment === "." ? "this run" : f.experiment}: `;
        const text = f.text.startsWith(prefix) ? f.text.slice(prefix.length) : f.text;
        const said = text.charAt(0).toUpperCase() + text.slice(1);
        return `<li>${esc(said)} <a href="#${esc(f.figure)}" class="fig">(chart)</a></li>`;
      });
      const title = group === "" ? "What changed between the experiments" : group;
      return `<h3>${esc(title)}</h3><ul class="findings">${items.join("\n")}</ul>`;
    })
    .join("\n");
}

const MODEL_NOTE = `<p><b>The model</b> (lines; q is a VM's rate over the fastest rate f of its trial, R the event range, D the trial's seconds):</p>
<ul class="model">
<li><b>Skipped per tick ≈ 1/q − 1.</b> Receives pull every clock up to the largest, so every clock advances about f a second; a VM ticking q·f times a second advances 1/q per tick, one of it its own increment.</li>
<li><b>Queue.</b> A VM draws an event only when its queue is empty; a draw sends to a given peer with chance 2/R (its own number or the broadcast). So VM j sends to i about (2/R)(r<sub>j</sub> − λ<sub>j</sub>) messages a second, where λ<sub>j</sub> is what j receives: solving these gives each VM's load ρ = λ/r. While ρ &lt; 1 the mean queue is about ρ²/(2(1 − ρ)) (one message taken per tick, Poisson arrivals; ticks are more regular, so this leans high). At ρ ≥ 1 the VM cannot keep up: its queue grows by λ − r a second, mean (ρ − 1)·r·D/2, and the steady state above stops holding (dashed).</li>
<li><b>Largest lag ≈ (1 − q)·g·(ln n + γ) + 1/q − 1.</b> Between two messages from the fastest VM a slower one falls behind by (1 − q)·f a second; those come every g = R/(2(1 − ρ<sub>f</sub>)) of the fastest VM's ticks, n = f·D/g of them a trial, and the longest of n random gaps is about ln n + γ (γ ≈ 0.577) mean gaps. A VM that cannot keep up reads messages (ρ − 1)·t seconds old at time t, so its lag reaches about f·(ρ − 1)·D.</li>
</ul>
<p>The lines are the model for a VM at ratio q in a trial of each experiment's shape (its fastest at the experiment's mean fastest rate, any other VM at the mean ratio of the slower ones); each point's own expectation, from its trial's actual rates, is in <code>inspect --json</code> (<code>ratios[].expected</code>). The mean jump has no line: the model says how many values a VM skips, not how they split into jumps. The queue is on a symmetric-log scale; lines are cut where they leave the chart.</p>`;

/**
 * The section that answers the exercise, for the top of the page: the findings (each linking
 * to the chart that shows it), the chart against the rate ratio, and the model under it.
 */
export function exerciseSection(report: InspectReport, charts: { name: string; svg: string }[]): string {
  const chart = charts.find((c) => c.name === EXERCISE_FIGURE);
  const findings = findingsOf(report);
  if (chart === undefined && findings.length === 0) return "";
  const style =
    "<style>ul.findings li{margin:.25rem 0}a.fig{font-size:.85rem;color:#0072b2}ul.model li{margin:.3rem 0}.model-note{max-width:70rem}</style>";
  return `${style}<section id="exercise"><h2>What the run shows</h2>
${findingList(findings)}
${chart === undefined ? "" : `<figure id="${EXERCISE_FIGURE}" aria-label="Jumps, lag and queue against the rate ratio">${chart.svg}<figcaption class="model-note">${MODEL_NOTE}</figcaption></figure>`}
</section>`;
}
