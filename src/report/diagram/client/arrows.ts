import { xOf } from "./scale.js";
import { COLOURS, laneY, type Scene } from "./scene.js";

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

/**
 * Each message whose receive is among events lo to last (exclusive) and whose send-to-receive
 * span meets the view: its wait in the queue along the receiver's lane, and its arrow from the
 * send to the arrival. Returns how many were drawn.
 */
export function messageArrows(g: CanvasRenderingContext2D, s: Scene, lo: number, last: number): number {
  const { d, view } = s;
  let n = 0;
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
    n++;
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
  return n;
}

/**
 * Messages with no receive on the page, dashed from their send towards the receiving lane: a
 * send never looks as if it went nowhere. When it arrived is not known, so no wait is drawn.
 * Returns how many were drawn.
 */
export function unreceivedArrows(g: CanvasRenderingContext2D, s: Scene): number {
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
