import type { TrialAnalysis } from "../../analysis/trial.js";

const WIDTH = 900;
const LANE_PX = 70;
/** How far right (px) the middle of an arrow that crosses a lane is pulled. */
const BOW_PX = 24;
/** How far (px) an arrow's head stops before the receiving lane. */
const HEAD_PX = 10;
const s3 = (ms: number) => Math.round(ms) / 1000;

/**
 * The static space-time diagram of one trial's window (the SVG/PNG export; the page has the
 * interactive one): a lane per VM, each event with its Lamport value written next to it, an
 * arrow with its head from send to arrival, and a bar for the wait until the receive tick.
 * Returns the title and the body of a Vega-Lite spec, for the report's common chart frame.
 */
export function spaceTime(t: TrialAnalysis): [string, Record<string, unknown>] {
  const t0 = t.grid.start;
  const fromS = (t.window.from - t0) / 1000;
  const toS = (t.window.to - t0) / 1000;
  const lanes = [...new Set(t.vms.map((v) => v.vm))].sort(
    (a, b) => Number(a) - Number(b) || a.localeCompare(b),
  );
  const rate = new Map(t.vms.map((v) => [v.vm, v.rate]));
  const n = lanes.length;
  // Lane 0 at the top: y counts down from n - 1.
  const y = (vm: string | undefined) => n - 1 - Math.max(0, lanes.indexOf(vm ?? ""));
  // The x domain has a margin, so an event at the window's edge is drawn whole.
  const pad = (toS - fromS) * 0.015;
  const domain = [fromS - pad, toS + pad];
  const pxPerS = WIDTH / (toS - fromS + 2 * pad);
  const events = t.window.events.map((e) => ({
    y: y(e.vm),
    s: s3(e.t - t0),
    event: e.event,
    clock: e.clock,
    label: `${e.vm} tick ${e.tick} ${e.event} clock ${e.clock}${e.event === "send" ? ` to ${e.to?.join(",")} seq ${Array.isArray(e.seq) ? e.seq.join(",") : e.seq}` : ""}${e.event === "receive" ? ` from ${e.from} seq ${e.seq} msgClock ${e.msgClock}` : ""}`,
  }));
  const received = t.window.events.filter(
    (e) => e.event === "receive" && e.sentAt !== undefined && e.sentAt >= t.window.from,
  );
  const messages = received.map((e) => {
    const arrived = e.arrivedAt ?? e.t;
    const y1 = y(e.from);
    const y2 = y(e.vm);
    // An arrow that crosses another lane bows later in time (its middle point moved right), as
    // on the page, so it passes beside that lane's events instead of seeming to end there.
    const bowS = Math.abs(y1 - y2) > 1 ? BOW_PX / pxPerS : 0;
    const mid = (((e.sentAt as number) + arrived) / 2 - t0) / 1000 + bowS;
    // The head points along the last stretch: from the middle point (or the send) to arrival.
    const dx = ((arrived - t0) / 1000 - (bowS > 0 ? mid : ((e.sentAt as number) - t0) / 1000)) * pxPerS;
    const dy = (y1 - y2) * LANE_PX * (bowS > 0 ? 0.5 : 1); // screen pixels downwards
    const len = Math.max(1e-9, Math.hypot(dx, dy));
    return {
      s: s3((e.sentAt as number) - t0),
      mid: Math.round(mid * 1e6) / 1e6,
      bowed: bowS > 0,
      s2: s3(arrived - t0),
      r: s3(e.t - t0),
      y1,
      y2,
      // Vega turns a symbol clockwise; triangle-up turned by this points along the last stretch.
      angle: (Math.atan2(dx, -dy) * 180) / Math.PI,
      // The head stops short of the lane, so the marker of an event at that moment does not hide it.
      hx: Math.round(((arrived - t0) / 1000 - (HEAD_PX * dx) / len / pxPerS) * 1e6) / 1e6,
      hy: y2 + (HEAD_PX * dy) / len / LANE_PX,
      label: `${e.from} -> ${e.vm} seq ${e.seq}: sent at clock ${e.msgClock}, received at clock ${e.clock}, latency ${(arrived - (e.sentAt as number)).toFixed(3)} ms, queued ${(e.t - arrived).toFixed(1)} ms`,
    };
  });
  // Each message's line as points in order: send, the bowed middle (when it crosses a lane), arrival.
  const paths = messages.flatMap((m, id) => [
    { id, k: 0, s: m.s, y: m.y1, label: m.label },
    ...(m.bowed ? [{ id, k: 1, s: m.mid, y: (m.y1 + m.y2) / 2, label: m.label }] : []),
    { id, k: 2, s: m.hx, y: m.hy, label: m.label },
  ]);
  const x = {
    field: "s",
    type: "quantitative",
    title: "seconds since the trial's first tick",
    scale: { domain, nice: false, zero: false },
  };
  const yEnc = {
    type: "quantitative",
    title: null,
    scale: { domain: [-0.5, n - 0.5], nice: false, zero: false },
    axis: {
      values: lanes.map((_, i) => i),
      grid: true,
      labelExpr: `${JSON.stringify([...lanes].reverse().map((vm) => `VM ${vm} (rate ${rate.get(vm)})`))}[datum.value]`,
      labelFontSize: 12,
      labelFontWeight: "bold",
    },
  };
  const kinds = { domain: ["internal", "send", "receive"] };
  return [
    `Space-time diagram, ${t.experiment === "." ? "" : `${t.experiment} `}trial ${t.trial}, ${fromS.toFixed(0)} s to ${toS.toFixed(0)} s (the --window strip exported as PNG and SVG; clock values at the events)`,
    {
      width: WIDTH,
      height: LANE_PX * n,
      layer: [
        {
          data: { values: messages },
          mark: { type: "rule", strokeWidth: 6, opacity: 0.3, color: "#c0262d" },
          encoding: { x: { ...x, field: "s2" }, x2: { field: "r" }, y: { field: "y2", ...yEnc } },
        },
        ...[
          { color: "#fff", strokeWidth: 4 },
          { color: "#5b6b7f", strokeWidth: 1.2 },
        ].map((style) => ({
          data: { values: paths },
          // basis: a smooth curve through the first and last points, bent by the middle one.
          mark: { type: "line", interpolate: "basis", ...style },
          encoding: {
            x,
            y: { field: "y", ...yEnc },
            detail: { field: "id", type: "nominal" },
            order: { field: "k", type: "quantitative" },
            description: { field: "label" },
          },
        })),
        {
          data: { values: messages },
          mark: { type: "point", shape: "triangle-up", filled: true, size: 60, color: "#5b6b7f", opacity: 1 },
          encoding: {
            x: { ...x, field: "hx" },
            y: { field: "hy", ...yEnc },
            angle: { field: "angle", type: "quantitative", scale: null },
          },
        },
        {
          data: { values: events },
          mark: { type: "point", filled: true, size: 50, opacity: 1 },
          encoding: {
            x,
            y: { field: "y", ...yEnc },
            shape: {
              field: "event",
              type: "nominal",
              title: "event",
              scale: { ...kinds, range: ["circle", "triangle-right", "square"] },
            },
            color: {
              field: "event",
              type: "nominal",
              title: "event",
              scale: { ...kinds, range: ["#7a7a7a", "#1f63c6", "#c0262d"] },
            },
            description: { field: "label" },
          },
        },
        {
          data: { values: events },
          mark: { type: "text", dy: -12, fontSize: 10, color: "#222" },
          encoding: { x, y: { field: "y", ...yEnc }, text: { field: "clock", type: "quantitative" } },
        },
      ],
    },
  ];
}
