import { Row } from "./label-row.js";
import { xOf } from "./scale.js";
import { alphaOf, COLOURS, colourOf, laneY, type Scene } from "./scene.js";

/** An event's marker: a triangle for a send, a square for a receive, a disc for an internal event. */
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
 * Each event's marker, match halo and jump ring, for views of a few hundred events; with
 * `labels`, its Lamport value above and its jump (+n) below where they fit. Returns how many
 * events in view got their Lamport value written.
 */
export function marks(
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
export function chosen(
  g: CanvasRenderingContext2D,
  s: Scene,
  i: number,
  name: string,
  labels: boolean,
): void {
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
export function dense(g: CanvasRenderingContext2D, s: Scene, lo: number, hi: number): void {
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
