import type { TrialDiagram } from "../format.js";
import type { View } from "./scale.js";

/** Pixel sizes of the drawing. */
export const LANE_H = 74;
export const AXIS_H = 30;

/** The drawing's colours, shared with the legend's swatches. */
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

/** The y (px) of lane `lane`'s line. */
export const laneY = (lane: number) => LANE_H * lane + LANE_H / 2;

const kindColour = (kind: number) =>
  kind === 1 ? COLOURS.send : kind === 2 ? COLOURS.receive : COLOURS.internal;

export function colourOf(s: Scene, i: number): string {
  if (s.marks !== undefined) {
    const m = s.marks[i];
    if (m === 1) return COLOURS.past;
    if (m === 2) return COLOURS.future;
    if (m === 3) return "#000";
  }
  return kindColour(s.d.kind[i] as number);
}

/** Faded when a selection is shown and the event is outside its cone. */
export function alphaOf(s: Scene, i: number): number {
  return s.marks === undefined || s.marks[i] !== 0 ? 1 : 0.16;
}
