import type { TrialDiagram } from "../format.js";
import { msAt, type View } from "./scale.js";

/** The view a trial opens on: its first 10 s, with a margin so the first event is whole. */
export const OPEN_MS = 10_000;
/** Room left of time 0 and right of the end, so edge events and the "0 s" label are whole. */
const EDGE_PX = 16;

/** When the trial ends: its duration, or its last event on the page if that is later. */
export const endOf = (d: TrialDiagram) => Math.max(d.durationS * 1000, (d.t[d.t.length - 1] as number) ?? 0);

export function openView(d: TrialDiagram, width: number): View {
  const to = Math.min(OPEN_MS, endOf(d));
  const pad = (to * EDGE_PX) / Math.max(200, width);
  return { from: -pad, to: to + pad, width };
}

/** The whole trial, from a little before time 0 to a little after its end. */
export function wholeView(end: number, width: number): View {
  const pad = (end * EDGE_PX) / Math.max(200, width);
  return { from: -pad, to: end + pad, width };
}

/**
 * The view moved back inside the trial (with its margins) when it slid past either end, and
 * never wider than the whole trial: zooming out stops there, so the axis never runs on into
 * time with no events.
 */
export function clamp(view: View, end: number): View {
  const whole = wholeView(end, view.width);
  const span = view.to - view.from;
  if (span >= whole.to - whole.from) return whole;
  const shift = view.from < whole.from ? whole.from - view.from : view.to > whole.to ? whole.to - view.to : 0;
  return { ...view, from: view.from + shift, to: view.to + shift };
}

/** The view `factor` times as wide (at least 2 ms), the time at pixel `atX` staying put. */
export function zoomed(view: View, factor: number, atX: number, end: number): View {
  const pivot = msAt(view, atX);
  const span = Math.max(2, (view.to - view.from) * factor);
  const from = pivot - ((pivot - view.from) / (view.to - view.from)) * span;
  return clamp({ ...view, from, to: from + span }, end);
}

/** The view slid `ms` later (earlier when negative); the next frame clamps it. */
export const panned = (view: View, ms: number): View => ({ ...view, from: view.from + ms, to: view.to + ms });

/** The view centred on time `t`, no wider than the opening view. */
export function centred(view: View, t: number): View {
  const span = Math.min(view.to - view.from, OPEN_MS);
  return { ...view, from: t - span / 2, to: t + span / 2 };
}
