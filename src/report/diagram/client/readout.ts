import type { TrialDiagram } from "../format.js";
import { relation } from "./causal.js";
import { el } from "./dom.js";
import type { Drawn } from "./draw.js";
import { eventText, plural, verdictText } from "./panel.js";
import { seconds, type View } from "./scale.js";
import type { State } from "./state.js";
import { endOf } from "./view.js";

/** The time range shown, beside the toolbar. */
export const rangeText = (view: View, d: TrialDiagram) =>
  `showing ${seconds(Math.max(0, view.from), 10)} to ${seconds(Math.min(view.to, endOf(d)), 10)} of ${seconds(endOf(d), 10)}`;

/** The note under the drawing: what the frame left out and why, and what the page carries. */
export function noteText(drawn: Drawn, d: TrialDiagram, limitPerTrial: number, live = false): string {
  const parts: string[] = [];
  if (!drawn.arrows)
    parts.push(
      `${drawn.events.toLocaleString("en")} events in view: zoom in to see messages and clock values.`,
    );
  else if (drawn.labels === 0 && drawn.visible > 0)
    parts.push("Zoom in to read the Lamport value at each event.");
  else if (drawn.crowded > 0)
    parts.push(
      `Lamport values are written where they fit (${drawn.labels} of the ${drawn.visible} events in view; hover over an event for its own): zoom in to read every one.`,
    );
  if (drawn.unreceived > 0 && live) {
    parts.push(
      `Dashed: ${plural(drawn.unreceived, "message")} sent in view and not received yet (in flight, or waiting in the receiver's queue; when a trial has ended, still queued at its end or lost).`,
    );
  } else if (drawn.unreceived > 0) {
    const later = d.omitted > 0 ? ", or received after the last event this page carries" : "";
    parts.push(
      `Dashed: ${plural(drawn.unreceived, "message")} sent in view and never received in the trial (still in the receiver's queue when it ended, or lost${later}).`,
    );
  }
  if (d.omitted > 0) {
    parts.push(
      `This trial had ${d.total.toLocaleString("en")} tick events; the page carries its first ${d.vm.length.toLocaleString("en")} (to ${seconds(endOf({ ...d, durationS: 0 }), 1)}), ${d.omitted.toLocaleString("en")} later ones are left out (at most ${limitPerTrial.toLocaleString("en")} per trial).`,
    );
  }
  return parts.join(" ");
}

/**
 * The panel's paragraphs: how to choose events, or a with its causal past and future, and with b
 * the verdict on how they are ordered (`verdict` is the relation, "" while b is not chosen).
 */
export function infoPanel(s: State): { parts: HTMLElement[]; verdict: string } {
  const { d, a, b } = s;
  const parts: HTMLElement[] = [];
  if (a < 0) {
    parts.push(
      el(
        "p",
        {},
        "Click an event (a) to light up its causal past (everything that could have influenced it) and its causal future (everything it could influence); the rest is concurrent with it. Shift-click a second event (b) to ask how a and b are ordered.",
      ),
    );
  } else {
    parts.push(el("p", {}, eventText(d, a, "a")));
    parts.push(
      el(
        "p",
        {},
        `Causal past of a: ${plural(s.past, "event")}; causal future: ${plural(s.future, "event")}; concurrent: ${d.vm.length - 1 - s.past - s.future} (by vector clocks, over the ${d.vm.length.toLocaleString("en")} events of this trial on the page).`,
      ),
    );
  }
  let verdict = "";
  if (a >= 0 && b >= 0) {
    const r = relation(d, a, b);
    verdict = r;
    parts.push(el("p", {}, eventText(d, b, "b")));
    parts.push(el("p", { class: "st-verdict", id: "st-verdict" }, verdictText(d, a, b, r)));
  }
  return { parts, verdict };
}
