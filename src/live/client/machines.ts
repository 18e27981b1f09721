import { el } from "../../report/diagram/client/dom.js";
import type { LaneNow } from "./store.js";

/** Seconds of history the small charts show. */
export const SPARK_S = 30;
const W = 160;
const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes. */
function svgEl(tag: string, attrs: Record<string, string>): SVGElement {
  const e = document.createElementNS(SVG, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}
const H = 34;

/** A small line chart of `values` over the last SPARK_S seconds up to `nowS`, 0 at the bottom. */
function sparkline(points: [number, number][], nowS: number, label: string): SVGElement {
  const shown = points.filter(([t]) => t >= nowS - SPARK_S);
  const max = Math.max(1, ...shown.map(([, v]) => v));
  const svg = svgEl("svg", {
    width: String(W),
    height: String(H),
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    "aria-label": `${label}: at most ${max} in the last ${SPARK_S} s`,
  });
  svg.append(
    svgEl("line", { x1: "0", x2: String(W), y1: String(H - 0.5), y2: String(H - 0.5), stroke: "#ddd" }),
  );
  // The scale, so a climbing line can be read: its top is this value.
  const top = svgEl("text", { x: "1", y: "8", "font-size": "9", fill: "#666" });
  top.textContent = `max ${max}`;
  svg.append(top);
  const [first, ...rest] = shown;
  if (first !== undefined) {
    const x = (t: number) => ((t - (nowS - SPARK_S)) / SPARK_S) * (W - 2) + 1;
    const y = (v: number) => H - 2 - (v / max) * (H - 12);
    // A step line: the value holds until the VM's next event.
    let d = `M${x(first[0]).toFixed(1)},${y(first[1]).toFixed(1)}`;
    for (const [t, v] of rest) d += `H${x(t).toFixed(1)}V${y(v).toFixed(1)}`;
    d += `H${x(nowS).toFixed(1)}`;
    svg.append(svgEl("path", { d, fill: "none", stroke: "#4c78a8", "stroke-width": "1.5" }));
  }
  return svg;
}

const cell = (text: string | number, cls = "n") => el("td", { class: cls }, String(text));

/** The machines' table: live numbers and the last 30 s of lag and queue per VM. */
export function machinesTable(lanes: readonly LaneNow[], nowS: number): HTMLTableElement {
  const head = el(
    "tr",
    {},
    ...[
      "VM",
      "rate",
      "ticks",
      "Lamport clock",
      "lag",
      `lag, last ${SPARK_S} s`,
      "queue",
      `queue, last ${SPARK_S} s`,
      "latest jump",
    ].map((h) => el("th", {}, h)),
  );
  const rows = lanes.map((v) =>
    el(
      "tr",
      {
        "data-vm": v.id,
        "data-clock": String(v.clock),
        "data-lag": String(v.lag),
        "data-queue": String(v.queue),
      },
      el("td", {}, el("b", {}, v.id), v.stopped ? " (stopped)" : ""),
      cell(v.rate),
      cell(`${v.ticks}/${v.planned}`),
      cell(v.clock),
      cell(v.lag),
      el(
        "td",
        {},
        sparkline(
          v.history.map(([t, lag]) => [t, lag]),
          nowS,
          `lag of VM ${v.id}`,
        ),
      ),
      cell(v.queue),
      el(
        "td",
        {},
        sparkline(
          v.history.map(([t, , q]) => [t, q]),
          nowS,
          `queue of VM ${v.id}`,
        ),
      ),
      cell(
        v.lastJump > 0 ? `+${v.lastJump} at ${v.lastJumpAtS.toFixed(1)} s` : v.stopped ? "none" : "none yet",
        "lv-jump",
      ),
    ),
  );
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows));
}
