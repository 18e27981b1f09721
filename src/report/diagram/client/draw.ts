import type { TrialDiagram } from "../format.js";
import { lowerBound, seconds, ticks, type View, xOf } from "./scale.js";

/** Pixel sizes of the drawing. */
export const LANE_H = 74;
export const AXIS_H = 30;
/** Above this many events in view, messages are left out (the view says so). */
export const ARROWS_UP_TO = 6000;
/** Above this many events in view, each is a thin bar instead of a shape, with no clock value. */
const DENSE_FROM = 1500;

export const COLOURS = {
  internal: "#7a7a7a",
  send: "#1f63c6",
  receive: "#c0262d",
  arrow: "#5b6b7f",
  wait: "rgba(192,38,45,0.28)",
  jump: "#7b2cbf",
  past: "#0f7b6c",
  future: "#d9480f",
  match: "rgba(250,204,21,0.75)",
  lane: "#e2e2e2",
  band: "#fafafa",
  grid: "#ececec",
  text: "#222",
} as const;

/** What is shown: the trial, the view, the selection and its cone, the search matches. */
export interface Scene {
  d: TrialDiagram;
  view: View;
  a: number;
  b: number;
  /** Per event (when `a` is chosen): 1 past, 2 future, 3 a itself, 0 neither. */
  marks: Uint8Array | undefined;
  matches: Set<number>;
}

/** What the frame drew: events in view, and what it had to leave out. */
export interface Drawn {
  /** Events in view, with a margin of a few pixels either side. */
  events: number;
  /** Whether messages were drawn (false: too many events in view). */
  arrows: boolean;
  /** Messages drawn: those whose send-to-receive span meets the view. */
  messages: number;
  /** Messages drawn whose send is in view and whose receive is not on the page. */
  unreceived: number;
  /** Events inside the view whose Lamport value is written, of `visible` inside it. */
  labels: number;
  /** Events whose value was left out because it would overlap the one before. */
  crowded: number;
  visible: number;
}

export const laneY = (lane: number) => LANE_H * lane + LANE_H / 2;

const kindColour = (kind: number) =>
  kind === 1 ? COLOURS.send : kind === 2 ? COLOURS.receive : COLOURS.internal;

function colourOf(s: Scene, i: number): string {
  if (s.marks !== undefined) {
    const m = s.marks[i];
    if (m === 1) return COLOURS.past;
    if (m === 2) return COLOURS.future;
    if (m === 3) return "#000";
  }
  return kindColour(s.d.kind[i] as number);
}

/** Faded when a selection is shown and the event is outside its cone. */
function alphaOf(s: Scene, i: number): number {
  return s.marks === undefined || s.marks[i] !== 0 ? 1 : 0.16;
}

function shape(g: CanvasRenderingContext2D, kind: number, x: number, y: number, r: number): void {
  g.beginPath();
  if (kind === 1) {
    g.moveTo(x - r, y - r);
    g.lineTo(x + r + 1, y);
    g.lineTo(x - r, y + r);
    g.closePath();
  } else if (kind === 2) {
    g.rect(x - r, y - r, 2 * r, 2 * r);
  } else {
    g.arc(x, y, r, 0, 2 * Math.PI);
  }
  g.fill();
}

/**
 * A message from (x1, y1) to its arrival at (x2, y2). Latency is a fraction of a millisecond, so
 * most arrows are vertical: one that crosses another VM's lane bows later in time, passing beside
 * that lane's events instead of through them, and a white edge under it breaks the lanes it
 * crosses, so only the head at the receiving lane reads as an end.
 */
function arrow(
  g: CanvasRenderingContext2D,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  bow: number,
): void {
  const cx = (x1 + x2) / 2 + bow;
  const cy = (y1 + y2) / 2;
  const line = () => {
    g.beginPath();
    g.moveTo(x1, y1);
    if (bow === 0) g.lineTo(x2, y2);
    else g.quadraticCurveTo(cx, cy, x2, y2);
  };
  const colour = g.strokeStyle;
  const width = g.lineWidth;
  g.strokeStyle = "#fff";
  g.lineWidth = width + 3;
  line();
  g.stroke();
  g.strokeStyle = colour;
  g.lineWidth = width;
  line();
  g.stroke();
  // The head points along the line's last stretch: from the control point of a curve.
  const angle = bow === 0 ? Math.atan2(y2 - y1, x2 - x1) : Math.atan2(y2 - cy, x2 - cx);
  const h = 10;
  g.beginPath();
  g.moveTo(x2, y2);
  g.lineTo(x2 - h * Math.cos(angle - 0.38), y2 - h * Math.sin(angle - 0.38));
  g.lineTo(x2 - h * Math.cos(angle + 0.38), y2 - h * Math.sin(angle + 0.38));
  g.closePath();
  g.fill();
}

/** How far (px) an arrow bows when it crosses `lanes - 1` lanes between its ends. */
export const bowOf = (lanes: number) => (lanes > 1 ? 30 : 0);

function background(g: CanvasRenderingContext2D, s: Scene, height: number): void {
  const { view } = s;
  g.fillStyle = "#fff";
  g.fillRect(0, 0, view.width, height);
  const lanes = s.d.vms.length;
  for (let l = 0; l < lanes; l++) {
    if (l % 2 === 1) {
      g.fillStyle = COLOURS.band;
      g.fillRect(0, LANE_H * l, view.width, LANE_H);
    }
  }
  const { step, at } = ticks(view);
  g.strokeStyle = COLOURS.grid;
  g.fillStyle = COLOURS.text;
  g.font = "12px DejaVu Sans, Helvetica, Arial, sans-serif";
  g.textAlign = "center";
  g.textBaseline = "top";
  for (const ms of at) {
    const x = Math.round(xOf(view, ms)) + 0.5;
    g.beginPath();
    g.moveTo(x, 0);
    g.lineTo(x, LANE_H * lanes + 4);
    g.stroke();
    // A label cut by the edge reads as another number ("5 s" as "s"): leave it out.
    if (x > 10 && x < view.width - 16) g.fillText(seconds(ms, step), x, LANE_H * lanes + 8);
  }
  g.strokeStyle = "#999";
  g.beginPath();
  g.moveTo(0, LANE_H * lanes + 0.5);
  g.lineTo(view.width, LANE_H * lanes + 0.5);
  g.stroke();
  // The trial's start: nothing happens before time 0.
  const zero = xOf(view, 0);
  if (zero > 0) {
    g.fillStyle = "#f1f1f1";
    g.fillRect(0, 0, zero, LANE_H * lanes);
  }
  // Past the last event the page carries, a trial cut to bound the page has no data: say so there.
  const last = s.d.t[s.d.t.length - 1];
  if (s.d.omitted > 0 && last !== undefined && xOf(view, last) < view.width) {
    const x = Math.max(0, xOf(view, last) + 4);
    g.fillStyle = "#eeeeee";
    g.fillRect(x, 0, view.width - x, LANE_H * lanes);
    g.fillStyle = "#666";
    g.textAlign = "left";
    g.textBaseline = "top";
    g.fillText("later events are left out of this page (see the note below)", x + 8, 6);
  }
  g.strokeStyle = COLOURS.lane;
  g.lineWidth = 2;
  for (let l = 0; l < lanes; l++) {
    g.beginPath();
    g.moveTo(Math.max(0, zero), laneY(l));
    g.lineTo(view.width, laneY(l));
    g.stroke();
  }
  g.lineWidth = 1;
}

/**
 * Labels written along a lane, left to right, each only where it clears the one before: when
 * the view is crowded every second or third value is written instead of none.
 */
class Row {
  private readonly right: number[] = [];
  constructor(
    private readonly g: CanvasRenderingContext2D,
    private readonly width: number,
  ) {}
  /** Writes `text` centred at x on lane `lane` if it fits, whole, in the view; says why not. */
  put(lane: number, text: string, x: number, y: number): "written" | "edge" | "crowded" {
    const half = this.g.measureText(text).width / 2;
    // A value cut by the edge reads as another number ("280" as "0"): leave it out.
    if (x - half < 0 || x + half > this.width) return "edge";
    if (x - half < (this.right[lane] ?? Number.NEGATIVE_INFINITY) + 4) return "crowded";
    this.right[lane] = x + half;
    this.g.fillText(text, x, y);
    return "written";
  }
}

/**
 * Each event's marker, match halo and jump ring, for views of a few hundred events; with
 * `labels`, its Lamport value above and its jump (+n) below where they fit. Returns how many
 * events in view got their Lamport value written.
 */
function marks(
  g: CanvasRenderingContext2D,
  s: Scene,
  lo: number,
  hi: number,
  labels: boolean,
): { written: number; crowded: number } {
  const { d, view } = s;
  const r = 5;
  g.font = "11px DejaVu Sans, Helvetica, Arial, sans-serif";
  g.textAlign = "center";
  const clocks = new Row(g, view.width);
  const jumps = new Row(g, view.width);
  let written = 0;
  let crowded = 0;
  for (let i = lo; i < hi; i++) {
    const x = xOf(view, d.t[i] as number);
    const lane = d.vm[i] as number;
    const y = laneY(lane);
    const kind = d.kind[i] as number;
    g.globalAlpha = alphaOf(s, i);
    if (s.matches.has(i)) {
      g.fillStyle = COLOURS.match;
      g.beginPath();
      g.arc(x, y, r + 6, 0, 2 * Math.PI);
      g.fill();
    }
    const jump = d.jump[i] as number;
    if (jump > 0) {
      g.strokeStyle = COLOURS.jump;
      g.lineWidth = 2;
      g.beginPath();
      g.arc(x, y, r + 3.5, 0, 2 * Math.PI);
      g.stroke();
      g.lineWidth = 1;
    }
    g.fillStyle = colourOf(s, i);
    shape(g, kind, x, y, r);
    // The chosen events are labelled with their rings (see `chosen`).
    if (!labels || i === s.a || i === s.b) continue;
    g.fillStyle = COLOURS.text;
    g.textBaseline = "bottom";
    const put = clocks.put(lane, String(d.clock[i]), x, y - r - 4);
    if (put === "written") written++;
    if (put === "crowded") crowded++;
    if (jump > 0) {
      g.fillStyle = COLOURS.jump;
      g.textBaseline = "top";
      jumps.put(lane, `+${jump}`, x, y + r + 4);
    }
  }
  g.globalAlpha = 1;
  return { written, crowded };
}

/** A chosen event (a or b): never faded, ringed, its name right of the ring, its labels outside it. */
function chosen(g: CanvasRenderingContext2D, s: Scene, i: number, name: string, labels: boolean): void {
  const { d, view } = s;
  const r = 5;
  const ring = r + 7;
  const x = xOf(view, d.t[i] as number);
  const y = laneY(d.vm[i] as number);
  g.fillStyle = colourOf(s, i);
  shape(g, d.kind[i] as number, x, y, r);
  g.strokeStyle = "#000";
  g.lineWidth = 2;
  g.beginPath();
  g.arc(x, y, ring, 0, 2 * Math.PI);
  g.stroke();
  g.lineWidth = 1;
  g.fillStyle = "#000";
  g.font = "bold 12px DejaVu Sans, Helvetica, Arial, sans-serif";
  g.textAlign = "left";
  g.textBaseline = "middle";
  g.fillText(name, x + ring + 3, y);
  if (!labels) return;
  g.font = "11px DejaVu Sans, Helvetica, Arial, sans-serif";
  g.textAlign = "center";
  g.textBaseline = "bottom";
  g.fillStyle = COLOURS.text;
  g.fillText(String(d.clock[i]), x, y - ring - 2);
  const jump = d.jump[i] as number;
  if (jump > 0) {
    g.fillStyle = COLOURS.jump;
    g.textBaseline = "top";
    g.fillText(`+${jump}`, x, y + ring + 2);
  }
}

/**
 * Many events in view: each is a thin bar, batched by colour into one path and drawn once per
 * pixel column, so a frame of 60,000 events costs a few milliseconds, not a fill per event.
 */
function dense(g: CanvasRenderingContext2D, s: Scene, lo: number, hi: number): void {
  const { d, view } = s;
  const w = Math.max(1, Math.ceil(view.width));
  const lanes = d.vms.length;
  // Layers by a small number: 0 halo, then marker colour (6) x faded, then jump x faded.
  const palette = [COLOURS.internal, COLOURS.send, COLOURS.receive, COLOURS.past, COLOURS.future, "#000"];
  const seen = new Uint8Array(w * lanes * 16);
  const paths: (Path2D | undefined)[] = [];
  const put = (layer: number, lane: number, x: number, dy: number, h: number) => {
    const px = Math.floor(x);
    const at = (layer * lanes + lane) * w + px;
    if (px < 0 || px >= w || seen[at] === 1) return;
    seen[at] = 1;
    let path = paths[layer];
    if (path === undefined) {
      path = new Path2D();
      paths[layer] = path;
    }
    path.rect(px, laneY(lane) + dy, 1.5, h);
  };
  const marks = s.marks;
  for (let i = lo; i < hi; i++) {
    const x = xOf(view, d.t[i] as number);
    const lane = d.vm[i] as number;
    const m = marks === undefined ? 0 : (marks[i] as number);
    const faded = marks !== undefined && m === 0 ? 1 : 0;
    const colour = m === 0 ? (d.kind[i] as number) : m + 2;
    if (s.matches.has(i)) put(0, lane, x, -11, 22);
    put(1 + colour * 2 + faded, lane, x, -7, 14);
    if ((d.jump[i] as number) > 0) put(13 + faded, lane, x, -14, 5);
  }
  // Halos under markers under jump marks; faded first, so what the selection lights up is on top.
  const order = [
    0,
    ...[0, 1, 2, 3, 4, 5].map((c) => 2 + c * 2),
    ...[0, 1, 2, 3, 4, 5].map((c) => 1 + c * 2),
    14,
    13,
  ];
  for (const layer of order) {
    const path = paths[layer];
    if (path === undefined) continue;
    const faded = layer === 14 || (layer > 0 && layer < 13 && layer % 2 === 0);
    g.globalAlpha = faded ? 0.16 : 1;
    g.fillStyle =
      layer === 0 ? COLOURS.match : layer >= 13 ? COLOURS.jump : (palette[(layer - 1) >> 1] as string);
    g.fill(path);
  }
  g.globalAlpha = 1;
}

/**
 * Messages with no receive on the page, dashed from their send towards the receiving lane: a
 * send never looks as if it went nowhere. When it arrived is not known, so no wait is drawn.
 * Returns how many were drawn.
 */
function lost(g: CanvasRenderingContext2D, s: Scene): number {
  const { d, view } = s;
  let n = 0;
  g.setLineDash([4, 3]);
  for (let k = 0; k + 1 < d.unreceived.length; k += 2) {
    const src = d.unreceived[k] as number;
    const toLane = d.unreceived[k + 1] as number;
    const fromLane = d.vm[src] as number;
    const xs = xOf(view, d.t[src] as number);
    if (xs < -40 || xs > view.width + 10) continue;
    n++;
    const from = laneY(fromLane);
    const to = laneY(toLane);
    const m = s.marks?.[src];
    const c = m === 1 ? COLOURS.past : m === 2 ? COLOURS.future : COLOURS.arrow;
    g.globalAlpha = s.marks === undefined || m !== 0 ? 1 : 0.12;
    g.strokeStyle = c;
    g.fillStyle = c;
    g.lineWidth = 1.1;
    arrow(g, xs, from, xs, to + (to > from ? -7 : 7), bowOf(Math.abs(toLane - fromLane)));
  }
  g.setLineDash([]);
  g.globalAlpha = 1;
  return n;
}

/** Draws the scene; only the events in view (and messages crossing it) are visited. */
export function draw(g: CanvasRenderingContext2D, s: Scene, height: number, maxSpan: number): Drawn {
  const { d, view } = s;
  background(g, s, height);
  const margin = ((view.to - view.from) * 12) / Math.max(1, view.width);
  const lo = lowerBound(d.t, view.from - margin);
  const hi = lowerBound(d.t, view.to + margin);
  const events = hi - lo;
  const arrows = events <= ARROWS_UP_TO;
  const labels = events <= DENSE_FROM;
  let messages = 0;
  let unreceived = 0;
  if (arrows) {
    // A message spans its send, arrival and receive: it is drawn when that span meets the view,
    // whichever end is off screen. Its receive is after the view's start and at most the
    // trial's longest span after the view's end, so only those receives are visited.
    const last = lowerBound(d.t, view.to + margin + maxSpan + 1);
    for (let i = lo; i < last; i++) {
      const src = d.sendOf[i] as number;
      if (d.kind[i] !== 2 || src < 0) continue;
      const fromLane = d.from[i] as number;
      const toLane = d.vm[i] as number;
      const from = laneY(fromLane);
      const to = laneY(toLane);
      const xs = xOf(view, d.t[src] as number);
      const xa = xOf(view, d.arrived[i] as number);
      const xr = xOf(view, d.t[i] as number);
      if (Math.max(xs, xr) < -10 || Math.min(xs, xa) > view.width + 10) continue;
      messages++;
      const inCone =
        s.marks !== undefined && s.marks[i] !== 0 && s.marks[src] !== 0 && s.marks[i] === s.marks[src]
          ? (s.marks[i] as number)
          : s.marks !== undefined && (s.marks[src] === 3 || s.marks[i] === 3)
            ? 3
            : 0;
      g.globalAlpha = s.marks === undefined || inCone !== 0 ? 1 : 0.12;
      // The wait in the queue: from arrival to the receive tick, along the receiver's lane.
      g.fillStyle = COLOURS.wait;
      g.fillRect(xa, to - 3, Math.max(1, xr - xa), 6);
      const c = inCone === 1 ? COLOURS.past : inCone === 2 ? COLOURS.future : COLOURS.arrow;
      g.strokeStyle = c;
      g.fillStyle = c;
      g.lineWidth = inCone !== 0 ? 1.6 : 1.1;
      const dy = to > from ? -7 : 7;
      arrow(g, xs, from, xa, to + dy, bowOf(Math.abs(toLane - fromLane)));
      g.lineWidth = 1;
    }
    unreceived = lost(g, s);
    g.globalAlpha = 1;
  }
  let written = 0;
  let crowded = 0;
  if (labels) ({ written, crowded } = marks(g, s, lo, hi, true));
  else dense(g, s, lo, hi);
  g.globalAlpha = 1;
  for (const [i, name] of [
    [s.a, "a"],
    [s.b, "b"],
  ] as const) {
    if (i < 0 || i < lo || i >= hi) continue;
    chosen(g, s, i, name, labels);
    const x = xOf(view, d.t[i] as number);
    if (labels && x >= 0 && x <= view.width) written++;
  }
  let visible = 0;
  for (let i = lo; i < hi; i++) {
    const x = xOf(view, d.t[i] as number);
    if (x >= 0 && x <= view.width) visible++;
  }
  return { events, arrows, messages, unreceived, labels: written, crowded, visible };
}

/** The event under (x, y) within a few pixels, or -1. */
export function hit(d: TrialDiagram, view: View, x: number, y: number): number {
  const lane = Math.floor(y / LANE_H);
  if (lane < 0 || lane >= d.vms.length) return -1;
  const tol = 9;
  const ms = (w: number) => view.from + (w / view.width) * (view.to - view.from);
  let best = -1;
  let bestDist = tol;
  for (let i = lowerBound(d.t, ms(x - tol)); i < d.t.length && (d.t[i] as number) <= ms(x + tol); i++) {
    if (d.vm[i] !== lane) continue;
    const dist = Math.abs(xOf(view, d.t[i] as number) - x);
    if (dist <= bestDist) {
      best = i;
      bestDist = dist;
    }
  }
  return best;
}
