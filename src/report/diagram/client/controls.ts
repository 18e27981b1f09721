import type { TrialDiagram } from "../format.js";
import { CSS, el, legend } from "./dom.js";

/** The diagram's elements that its code reads or changes after building them. */
export interface Controls {
  picker: HTMLSelectElement;
  zoomOut: HTMLButtonElement;
  zoomIn: HTMLButtonElement;
  first: HTMLButtonElement;
  whole: HTMLButtonElement;
  search: HTMLInputElement;
  range: HTMLSpanElement;
  lanes: HTMLDivElement;
  canvas: HTMLCanvasElement;
  tip: HTMLDivElement;
  plot: HTMLDivElement;
  note: HTMLDivElement;
  results: HTMLDivElement;
  info: HTMLDivElement;
  /** Live pages only: back to the newest events. */
  newest?: HTMLButtonElement;
}

/** A trial as the picker names it. */
export function trialLabel(d: Pick<TrialDiagram, "experiment" | "trial" | "vms">): string {
  const rates = d.vms.map((v) => v.rate).join(", ");
  const exp = d.experiment === "." ? "" : `${d.experiment}, `;
  return `${exp}trial ${d.trial} (rates ${rates})`;
}

/** Fills `root` with the toolbar, the lanes' names, the canvas, the note, results, panel and legend. */
export function buildPage(
  root: HTMLElement,
  data: { count(): number; trial(i: number): TrialDiagram; live?: boolean },
): Controls {
  const style = el("style");
  style.textContent = CSS;
  const picker = el("select", { id: "st-trial", "aria-label": "trial" });
  for (let i = 0; i < data.count(); i++) {
    picker.append(el("option", { value: String(i) }, trialLabel(data.trial(i))));
  }
  const button = (id: string, text: string, title: string) =>
    el("button", { id, type: "button", title }, text);
  const zoomOut = button("st-zoom-out", "−", "zoom out (or Ctrl + wheel)");
  const zoomIn = button("st-zoom-in", "+", "zoom in (or Ctrl + wheel)");
  const first = button("st-first", "first 10 s", "show the first 10 seconds");
  const whole = button("st-whole", "whole trial", "show the whole trial");
  const newest =
    data.live === true
      ? button("st-newest", "newest ▸", "show the newest events and follow them (while no event is chosen)")
      : undefined;
  const search = el("input", {
    id: "st-search",
    type: "search",
    placeholder: "find: 5001 receive · clock:17 · tick:40 · jump",
    "aria-label": "find events",
  });
  const range = el("span", { id: "st-range", class: "st-range" });
  const lanes = el("div", { class: "st-lanes" });
  const canvas = el("canvas", { id: "st-canvas", tabindex: "0", "aria-label": "space-time diagram" });
  const tip = el("div", { class: "st-tip", role: "tooltip" });
  tip.hidden = true;
  const plot = el("div", { class: "st-plot" }, canvas, tip);
  const note = el("div", { id: "st-note", class: "st-note" });
  const results = el("div", { id: "st-results", class: "st-results" });
  const info = el("div", { id: "st-info", class: "st-info", "aria-live": "polite" });
  root.replaceChildren(
    style,
    el(
      "div",
      { class: "st-bar" },
      el("label", {}, "Trial ", picker),
      el(
        "span",
        {},
        zoomOut,
        " ",
        zoomIn,
        " ",
        first,
        " ",
        whole,
        ...(newest === undefined ? [] : [" ", newest]),
      ),
      el("label", {}, "Find ", search),
      range,
    ),
    el("div", { class: "st-body" }, lanes, plot),
    note,
    results,
    info,
    legend(data.live === true),
  );
  return {
    picker,
    zoomOut,
    zoomIn,
    first,
    whole,
    search,
    range,
    lanes,
    canvas,
    tip,
    plot,
    note,
    results,
    info,
    ...(newest === undefined ? {} : { newest }),
  };
}
