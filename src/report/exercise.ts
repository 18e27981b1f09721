import type { ExperimentSummary } from "../analysis/experiment.js";
import {
  EXERCISE_FIGURE,
  FINDING_TERMS,
  type Finding,
  findingsOf,
  sentenceNumber,
} from "../analysis/findings.js";
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
  { field: "lag", title: "largest drift (lag behind the largest clock)", model: true },
  { field: "queue", title: "mean queue (messages waiting, log scale)", model: true },
] as const;

function point(v: VmRatio) {
  return {
    experiment: label(v.experiment),
    ratio: v.ratio,
    skipped: v.skippedPerTick,
    jump: Number.isFinite(v.jumps.mean) ? v.jumps.mean : null,
    lag: v.lagMax,
    queue: v.queueMean,
    label: `${label(v.experiment)} trial ${v.trial} VM ${v.vm}: rate ${v.rate} of ${v.fastest} (ratio ${formatNumber(v.ratio)}), ${formatNumber(v.skippedPerTick)} skipped per tick, mean jump ${formatNumber(v.jumps.mean)}, largest drift ${v.lagMax}, mean queue ${formatNumber(v.queueMean)}${v.queueTrend.grew ? " (its queue grew: it did not keep up)" : ""}`,
  };
}

/** The lowest rate ratio an experiment's set-up can draw: its slowest rate over its fastest. */
function lowestRatio(report: InspectReport, e: ExperimentSummary): number {
  const setup = report.run?.experiments.find((x) => x.name === e.experiment);
  if (setup?.rates !== undefined && setup.rates.length > 0)
    return Math.min(...setup.rates) / Math.max(...setup.rates);
  if (setup !== undefined && setup.rateMax > 0) return setup.rateMin / setup.rateMax;
  return Math.min(...e.ratios.map((v) => v.ratio));
}

/** Where an experiment's model line runs: from `from` to 1, or from `end` if it stops holding first. */
interface ModelSpan {
  experiment: string;
  from: number;
  /** The lowest ratio at which a VM still keeps up (ρ < 1); NaN when it does over the whole span. */
  end: number;
}

/**
 * The model's curve for one experiment: a VM at ratio q in a trial of that experiment's shape,
 * the fastest at the mean fastest rate f and any other VM at the mean ratio of the slower VMs.
 * Only over the ratios its rates can give, and only while the VM keeps up (ρ < 1): below that
 * the steady state does not hold, and its formulas (skipped per tick falling to 0) would mislead.
 */
function modelLine(report: InspectReport, e: ExperimentSummary, durationS: number) {
  const f = mean(e.ratios.filter((v) => v.rank === 1).map((v) => v.rate));
  const slower = mean(e.ratios.filter((v) => v.ratio < 1).map((v) => v.ratio));
  const perTrial = Math.round(e.ratios.length / Math.max(1, e.trials));
  const low = lowestRatio(report, e);
  const rows = [];
  let end = Number.NaN;
  // Set once a ratio of the span does not keep up: the line then starts above `low`.
  let cut = false;
  for (let k = Math.ceil(low * 100 - 1e-9); k <= 100; k++) {
    const q = Math.max(low, k / 100);
    const others = Array.from(
      { length: Math.max(0, perTrial - 2) },
      () => (Number.isFinite(slower) ? slower : 1) * f,
    );
    const [x] = expectTrial({ rates: [q * f, f, ...others], eventRange: e.eventRange, durationS });
    if (x === undefined || !x.keepsUp) {
      cut = true;
      continue;
    }
    if (cut && rows.length === 0) end = q;
    rows.push({
      experiment: label(e.experiment),
      ratio: Math.min(1, q),
      skipped: x.skippedPerTick,
      lag: x.lagMax,
      queue: x.queueMean,
    });
  }
  const span: ModelSpan = { experiment: label(e.experiment), from: low, end };
  return { rows, span };
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

/** Each experiment's model line and the span it covers. */
function modelLines(report: InspectReport) {
  return report.experiments.flatMap((e) =>
    Number.isFinite(e.eventRange) ? [modelLine(report, e, durationOf(report, e.experiment))] : [],
  );
}

/** Symmetric-log queue axis: readable from 0 to tens, with these ticks labelled. */
const QUEUE_TICKS = [0, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000];

/** The exercise's chart: jumps, drift and queue against the rate ratio, every VM of every trial. */
export function exerciseChart(report: InspectReport): Spec {
  const experiments = report.experiments.map((e) => label(e.experiment));
  const points = report.experiments.flatMap((e) => e.ratios.map(point));
  const lines = modelLines(report).flatMap((m) => m.rows);
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
          ? { type: "symlog", constant: 0.1, domain: [0, top(p.field) * 1.5], nice: false }
          : { zero: true, domain: [0, top(p.field) * 1.25], nice: false },
      ...(p.field === "queue"
        ? { axis: { values: QUEUE_TICKS.filter((v) => v <= top(p.field) * 1.5), format: "~g" } }
        : {}),
    };
    const layers: Spec[] = [];
    if (p.model) {
      layers.push({
        data: { values: lines },
        mark: { type: "line", strokeWidth: 2, opacity: 0.8, clip: true },
        encoding: { x, y, color: colour },
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
    title: "Jumps, drift and queue against the rate ratio: one point per VM per trial, lines from the model",
    config: {
      font: "DejaVu Sans, Helvetica, Arial, sans-serif",
      view: { stroke: "#ddd" },
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 12, titleFontSize: 12, orient: "top", labelLimit: 320 },
      title: { fontSize: 14, anchor: "start" },
    },
    resolve: { scale: { color: "shared", shape: "shared" } },
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
<li><b>Skipped per tick ≈ 1/q − 1.</b> Receiving a message pulls a clock up to the sender's, so every clock advances about as fast as the fastest one: f a second. A VM that ticks q·f times a second must then move about 1/q per tick: 1 for its own tick, 1/q − 1 skipped.</li>
<li><b>Queue.</b> A VM picks a random event only when its queue is empty, and 2 of the R numbers send to a given peer. Adding up what the others send it gives the messages reaching it each second, λ, and its load ρ = λ / its rate. While ρ &lt; 1 it keeps up and the mean queue stays small, about ρ²/(2(1 − ρ)). At ρ ≥ 1 more arrives than it can take: the queue grows all trial long.</li>
<li><b>Largest drift.</b> Between two messages from the fastest VM a slower one falls behind by (1 − q)·f a second. Those messages come at random, so the longest wait in a trial is a few times the average wait: about (ln n + 0.58) times, for n messages in the trial. The formula: (1 − q)·g·(ln n + 0.58) + 1/q − 1, with g = R/(2(1 − ρ<sub>f</sub>)) ticks of the fastest VM between its messages and n = f·D/g.</li>
</ul>`;

/** Where each experiment's lines run, and where they stop because the model stops holding. */
function spanNote(spans: ModelSpan[]): string {
  const n = sentenceNumber;
  const items = spans.map((s) => {
    const reach = `${esc(s.experiment)}: from q = ${n(s.from)} (its slowest rate over its fastest) to 1`;
    return Number.isFinite(s.end)
      ? `${reach}, but the line ends at q = ${n(s.end)}: below it a VM receives more than it can take (ρ ≥ 1), its queue grows over the trial and the model above no longer holds; the points there are measured only.`
      : `${reach}; every VM in that range keeps up.`;
  });
  return `<p>The lines are the model for a VM at ratio q in a trial of each experiment's shape (its fastest at the experiment's mean fastest rate, any other VM at the mean ratio of the slower ones), drawn only over the ratios the experiment can draw: ${items.join(" ")} Each point's own expectation, from its trial's actual rates, is in <code>inspect --json</code> (<code>ratios[].expected</code>). The mean jump has no line: the model says how many values a VM skips, not how they split into jumps. The queue axis is logarithmic above 0.1 so both short and long queues can be read.</p>`;
}

/**
 * The section that answers the exercise, for the top of the page: the findings (each linking
 * to the chart that shows it), the chart against the rate ratio, and the model under it.
 */
export function exerciseSection(report: InspectReport, charts: { name: string; svg: string }[]): string {
  const chart = charts.find((c) => c.name === EXERCISE_FIGURE);
  const findings = findingsOf(report);
  if (chart === undefined && findings.length === 0) return "";
  const terms = `<p class="terms"><b>Words used below.</b> ${FINDING_TERMS.map(esc).join(" ")}</p>`;
  const spans = modelLines(report).map((m) => m.span);
  const style =
    "<style>ul.findings li{margin:.25rem 0}a.fig{font-size:.85rem;color:#0072b2}ul.model li{margin:.3rem 0}.model-note{max-width:70rem}p.terms{max-width:70rem;background:#f6f8fa;padding:.5rem .7rem}</style>";
  return `${style}<section id="exercise"><h2>What the run shows</h2>
${terms}
${findingList(findings)}
${chart === undefined ? "" : `<figure id="${EXERCISE_FIGURE}" class="wide" aria-label="Jumps, drift and queue against the rate ratio">${chart.svg}<figcaption class="model-note">${MODEL_NOTE}${spanNote(spans)}</figcaption></figure>`}
</section>`;
}
