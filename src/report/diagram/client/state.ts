import type { TrialDiagram } from "../format.js";
import { cone } from "./causal.js";
import type { View } from "./scale.js";
import { openView } from "./view.js";

/** Everything the page changes as the reader clicks; one per diagram, no globals. */
export interface State {
  trial: number;
  d: TrialDiagram;
  view: View;
  a: number;
  b: number;
  marks: Uint8Array | undefined;
  past: number;
  future: number;
  matches: number[];
  /** Longest send-to-receive time in the trial, so arrows crossing the view are found. */
  maxSpan: number;
  /** Time of the newest event drawn: where the live page's view follows from. */
  lastT: number;
}

function spanOf(d: TrialDiagram): number {
  let max = 0;
  for (let i = 0; i < d.vm.length; i++) {
    const src = d.sendOf[i] as number;
    if (src >= 0) max = Math.max(max, (d.t[i] as number) - (d.t[src] as number));
  }
  return max;
}

/** Trial `trial` as it opens: its first seconds, nothing chosen, nothing found. */
export function opened(trial: number, d: TrialDiagram, width: number): State {
  return {
    trial,
    d,
    view: openView(d, width),
    a: -1,
    b: -1,
    marks: undefined,
    past: 0,
    future: 0,
    matches: [],
    maxSpan: spanOf(d),
    lastT: lastT(d, 0),
  };
}

/**
 * The state after a click on event `i` (-1: none, which clears the choice): with `second` and
 * an event a already chosen, i becomes b; otherwise i becomes a, with its causal cone.
 */
export function selected(s: State, i: number, second: boolean): State {
  if (i < 0) return { ...s, a: -1, b: -1, marks: undefined, past: 0, future: 0 };
  if (second && s.a >= 0) return { ...s, b: i };
  const c = cone(s.d, i);
  return { ...s, a: i, b: -1, marks: c.marks, past: c.past, future: c.future };
}

/**
 * The state after trial `d` (the one shown) gained events: its causal cone and longest message
 * found again, and, when the newest events were in view and no event is chosen, the view slid on
 * to keep them there (the live page follows the run; a reader who panned back or chose an event
 * stays where they are).
 */
export function grown(s: State, d: TrialDiagram): State {
  // The columns grow in place: the newest time before this update is the one kept in the state.
  const before = s.lastT;
  const after = lastT(d, before);
  let view = s.view;
  // While an event is chosen the view stays put, so it cannot slide away under the reader.
  const following = s.a < 0 && before >= view.from && before <= view.to;
  if (following && after > view.to - FOLLOW_MARGIN * (view.to - view.from)) {
    const shift = after - (view.to - FOLLOW_MARGIN * (view.to - view.from));
    view = { ...view, from: view.from + shift, to: view.to + shift };
  }
  const next = { ...s, d, view, maxSpan: spanOf(d), lastT: after };
  if (s.a < 0 || s.a >= d.vm.length) return next;
  const c = cone(d, s.a);
  return { ...next, marks: c.marks, past: c.past, future: c.future };
}

/** The share of the view kept free right of the newest event while following. */
const FOLLOW_MARGIN = 0.05;

const lastT = (d: TrialDiagram, otherwise: number) =>
  d.t.length === 0 ? otherwise : (d.t[d.t.length - 1] as number);

/** The newest events, in a view as wide as `view` (at most the opening 10 s): where following starts. */
export function newestView(s: State): View {
  const span = Math.min(s.view.to - s.view.from, 10_000);
  const to = s.lastT + FOLLOW_MARGIN * span;
  return { ...s.view, from: to - span, to };
}
