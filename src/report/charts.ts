import type { TrialAnalysis } from "../analysis/trial.js";

/** A Vega-Lite spec (kept loose: the compiler validates it). */
export type ChartSpec = Record<string, unknown>;

/** One chart of the report: a file-safe name, a title, and its spec. */
export interface Chart {
  name: string;
  title: string;
  spec: ChartSpec;
}

const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";
const CONFIG = {
  font: FONT,
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: "start" },
};

function base(title: string, extra: ChartSpec): ChartSpec {
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title, config: CONFIG, ...extra };
}

/** Clock, lag and queue samples on the grid as long-form rows: one per trial, VM and instant. */
function gridRows(trials: TrialAnalysis[]) {
  const rows: { trial: string; vm: string; s: number; clock: number; lag: number; queue: number }[] = [];
  for (const t of trials) {
    const vms = Object.keys(t.grid.clocks);
    for (let g = 0; g < t.grid.points; g++) {
      const top = Math.max(...vms.map((vm) => t.grid.clocks[vm]?.[g] ?? 0));
      for (const vm of vms) {
        const clock = t.grid.clocks[vm]?.[g] ?? 0;
        rows.push({
          trial: `trial ${t.trial}`,
          vm,
          s: (g * t.grid.stepMs) / 1000,
          clock,
          lag: top - clock,
          queue: t.grid.queues[vm]?.[g] ?? 0,
        });
      }
    }
  }
  return rows;
}

function overTime(
  title: string,
  field: "clock" | "lag" | "queue",
  label: string,
  trials: TrialAnalysis[],
): ChartSpec {
  return base(title, {
    data: { values: gridRows(trials) },
    facet: { field: "trial", type: "nominal", title: null },
    columns: 3,
    spec: {
      width: 260,
      height: 180,
      mark: { type: "line", interpolate: field === "clock" ? "linear" : "step-after", strokeWidth: 1.5 },
      encoding: {
        x: { field: "s", type: "quantitative", title: "wall time (s)" },
        y: { field, type: "quantitative", title: label },
        color: { field: "vm", type: "nominal", title: "VM" },
      },
    },
  });
}

function jumpHistogram(trials: TrialAnalysis[]): ChartSpec {
  const counts = new Map<string, number>();
  for (const t of trials) {
    for (const [vm, pairs] of Object.entries(t.jumpHistogram)) {
      for (const [size, n] of pairs) {
        const key = JSON.stringify([vm, size]);
        counts.set(key, (counts.get(key) ?? 0) + n);
      }
    }
  }
  const values = [...counts].map(([key, count]) => {
    const [vm, size] = JSON.parse(key) as [string, number];
    return { vm, size, count };
  });
  return base("Jump sizes per VM (receives where the clock skipped values), all trials", {
    data: { values },
    facet: { field: "vm", type: "nominal", title: "VM" },
    columns: 3,
    spec: {
      width: 240,
      height: 160,
      mark: { type: "bar", tooltip: true },
      encoding: {
        x: { field: "size", type: "ordinal", title: "jump size (clock values skipped)" },
        y: { field: "count", type: "quantitative", title: "receives" },
        color: { field: "vm", type: "nominal", legend: null },
        description: { value: "jump" },
      },
    },
  });
}

function latencyChart(trials: TrialAnalysis[]): ChartSpec {
  const bins = new Map<number, { fromMs: number; toMs: number; count: number }>();
  for (const t of trials) {
    for (const b of t.latencyHistogram) {
      const prev = bins.get(b.toMs);
      bins.set(b.toMs, { ...b, count: (prev?.count ?? 0) + b.count });
    }
  }
  const values = [...bins.values()].map((b) => ({ ...b, label: `≤ ${formatMs(b.toMs)}` }));
  return base("Delivery latency (arrivedAt - sentAt), all trials", {
    data: { values },
    width: 520,
    height: 200,
    mark: { type: "bar" },
    encoding: {
      x: {
        field: "label",
        type: "ordinal",
        sort: { field: "toMs" },
        title: "latency bin (bins double in width)",
      },
      y: { field: "count", type: "quantitative", title: "messages" },
      description: { field: "label" },
    },
  });
}

function formatMs(ms: number): string {
  return ms < 1
    ? `${Math.round(ms * 1000)} us`
    : ms < 1000
      ? `${Number(ms.toPrecision(3))} ms`
      : `${ms / 1000} s`;
}

/** The space-time diagram of one trial's window: a lane per VM, an arrow per message. */
function spaceTime(t: TrialAnalysis): ChartSpec {
  const t0 = t.window.from;
  const events = t.window.events.map((e) => ({
    vm: e.vm,
    ms: e.t - t0,
    event: e.event,
    label: `${e.vm} tick ${e.tick} ${e.event} clock ${e.clock}${e.event === "send" ? ` to ${e.to?.join(",")} seq ${Array.isArray(e.seq) ? e.seq.join(",") : e.seq}` : ""}${e.event === "receive" ? ` from ${e.from} seq ${e.seq} msgClock ${e.msgClock}` : ""}`,
  }));
  const arrows = t.window.events
    .filter((e) => e.event === "receive" && e.sentAt !== undefined && e.sentAt >= t0)
    .map((e) => ({
      from: e.from,
      to: e.vm,
      x: (e.sentAt as number) - t0,
      x2: e.t - t0,
      label: `${e.from} -> ${e.vm} seq ${e.seq}: sent at clock ${e.msgClock}, received at clock ${e.clock}, latency ${((e.arrivedAt ?? e.t) - (e.sentAt as number)).toFixed(3)} ms, queued ${(e.t - (e.arrivedAt ?? e.t)).toFixed(1)} ms`,
    }));
  const lanes = [...new Set(t.vms.map((v) => v.vm))];
  const y = { type: "nominal", sort: lanes, title: "VM", scale: { domain: lanes } };
  return base(
    `Space-time diagram, ${t.experiment} trial ${t.trial}, first ${((t.window.to - t.window.from) / 1000).toFixed(0)} s (hover for clocks, seq, latency)`,
    {
      width: 900,
      height: 60 * lanes.length,
      layer: [
        {
          data: { values: arrows },
          mark: { type: "rule", strokeWidth: 1, opacity: 0.6 },
          encoding: {
            x: { field: "x", type: "quantitative", title: "ms since the trial's first tick" },
            x2: { field: "x2" },
            y: { field: "from", ...y },
            y2: { field: "to" },
            color: { value: "#888" },
            description: { field: "label" },
          },
        },
        {
          data: { values: events },
          mark: { type: "point", filled: true, size: 40 },
          encoding: {
            x: { field: "ms", type: "quantitative" },
            y: { field: "vm", ...y },
            shape: {
              field: "event",
              type: "nominal",
              title: "event",
              scale: {
                domain: ["internal", "send", "receive"],
                range: ["circle", "triangle-right", "square"],
              },
            },
            color: {
              field: "event",
              type: "nominal",
              scale: { domain: ["internal", "send", "receive"], range: ["#aaa", "#1f77b4", "#d62728"] },
            },
            description: { field: "label" },
          },
        },
      ],
    },
  );
}

/** Every chart of one experiment. */
export function experimentCharts(experiment: string, trials: TrialAnalysis[]): Chart[] {
  const slug = experiment === "." ? "run" : experiment.replace(/[^A-Za-z0-9_-]+/g, "-");
  const first = trials[0];
  return [
    {
      name: `${slug}-clock`,
      title: "Logical clock vs wall time",
      spec: overTime("Logical clock vs wall time, per trial", "clock", "Lamport clock", trials),
    },
    {
      name: `${slug}-drift`,
      title: "Drift vs wall time",
      spec: overTime(
        "God's-eye lag behind the largest clock, per trial",
        "lag",
        "clock values behind",
        trials,
      ),
    },
    {
      name: `${slug}-queue`,
      title: "Queue length vs wall time",
      spec: overTime("Network queue length, per trial", "queue", "messages waiting", trials),
    },
    { name: `${slug}-jumps`, title: "Jump sizes", spec: jumpHistogram(trials) },
    { name: `${slug}-latency`, title: "Latency", spec: latencyChart(trials) },
    ...(first === undefined
      ? []
      : [{ name: `${slug}-spacetime`, title: "Space-time diagram", spec: spaceTime(first) }]),
  ];
}
