import { seconds, ticks, xOf } from "./scale.js";
import { COLOURS, LANE_H, laneY, type Scene } from "./scene.js";

/**
 * Under the events: the lanes and their bands, the time axis with its grid, the shading before
 * time 0 and, when the page carries only the trial's first events, past the last of them.
 */
export function background(g: CanvasRenderingContext2D, s: Scene, height: number): void {
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
