import type { TrialDiagram } from "../format.js";
import { messageArrows, unreceivedArrows } from "./arrows.js";
import { background } from "./background.js";
import { chosen, dense, marks } from "./markers.js";
import { lowerBound, type View, xOf } from "./scale.js";
import { LANE_H, type Scene } from "./scene.js";

/** Above this many events in view, messages are left out (the view says so). */
export const ARROWS_UP_TO = 6000;
/** Above this many events in view, each is a thin bar instead of a shape, with no clock value. */
const DENSE_FROM = 1500;

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
    messages = messageArrows(g, s, lo, last);
    unreceived = unreceivedArrows(g, s);
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
