import {
  DATA_ID,
  type DiagramData,
  type PackedTrial,
  ROOT_ID,
  type TrialDiagram,
  unpack,
} from "../format.js";
import { cone, relation } from "./causal.js";
import { CSS, el, legend } from "./dom.js";
import { AXIS_H, draw, hit, LANE_H, type Scene } from "./draw.js";
import { eventText, plural, verdictText } from "./panel.js";
import { msAt, seconds, type View } from "./scale.js";
import { describe, find, parseQuery } from "./search.js";

/** The view a trial opens on: its first 10 s, with a margin so the first event is whole. */
const OPEN_MS = 10_000;
const SHOWN_RESULTS = 40;
/** Room left of time 0 and right of the end, so edge events and the "0 s" label are whole. */
const EDGE_PX = 16;

/** Everything the page changes as the reader clicks; one per diagram, no globals. */
interface State {
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
}

function spanOf(d: TrialDiagram): number {
  let max = 0;
  for (let i = 0; i < d.vm.length; i++) {
    const src = d.sendOf[i] as number;
    if (src >= 0) max = Math.max(max, (d.t[i] as number) - (d.t[src] as number));
  }
  return max;
}

const endOf = (d: TrialDiagram) => Math.max(d.durationS * 1000, (d.t[d.t.length - 1] as number) ?? 0);

function openView(d: TrialDiagram, width: number): View {
  const to = Math.min(OPEN_MS, endOf(d));
  const pad = (to * EDGE_PX) / Math.max(200, width);
  return { from: -pad, to: to + pad, width };
}

/** The whole trial, from a little before time 0 to a little after its end. */
function wholeView(end: number, width: number): View {
  const pad = (end * EDGE_PX) / Math.max(200, width);
  return { from: -pad, to: end + pad, width };
}

/**
 * The view moved back inside the trial (with its margins) when it slid past either end, and
 * never wider than the whole trial: zooming out stops there, so the axis never runs on into
 * time with no events.
 */
function clamp(view: View, end: number): View {
  const whole = wholeView(end, view.width);
  const span = view.to - view.from;
  if (span >= whole.to - whole.from) return whole;
  const shift = view.from < whole.from ? whole.from - view.from : view.to > whole.to ? whole.to - view.to : 0;
  return { ...view, from: view.from + shift, to: view.to + shift };
}

function trialLabel(d: Pick<TrialDiagram, "experiment" | "trial" | "vms">): string {
  const rates = d.vms.map((v) => v.rate).join(", ");
  const exp = d.experiment === "." ? "" : `${d.experiment}, `;
  return `${exp}trial ${d.trial} (rates ${rates})`;
}

function mount(root: HTMLElement, data: DiagramData): void {
  const style = el("style");
  style.textContent = CSS;
  const picker = el("select", { id: "st-trial", "aria-label": "trial" });
  data.trials.forEach((d, i) => {
    picker.append(el("option", { value: String(i) }, trialLabel(d)));
  });
  const button = (id: string, text: string, title: string) =>
    el("button", { id, type: "button", title }, text);
  const zoomOut = button("st-zoom-out", "−", "zoom out (or Ctrl + wheel)");
  const zoomIn = button("st-zoom-in", "+", "zoom in (or Ctrl + wheel)");
  const first = button("st-first", "first 10 s", "show the first 10 seconds");
  const whole = button("st-whole", "whole trial", "show the whole trial");
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
      el("span", {}, zoomOut, " ", zoomIn, " ", first, " ", whole),
      el("label", {}, "Find ", search),
      range,
    ),
    el("div", { class: "st-body" }, lanes, plot),
    note,
    results,
    info,
    legend(),
  );
  const g = canvas.getContext("2d");
  if (g === null) {
    note.textContent = "This browser cannot draw on a canvas.";
    return;
  }

  // Trials are unpacked when first shown; the reader may look at one of ten.
  const unpacked = new Map<number, TrialDiagram>();
  const trial = (i: number): TrialDiagram => {
    const d = unpacked.get(i) ?? unpack(data.trials[i] as PackedTrial);
    unpacked.set(i, d);
    return d;
  };
  const load = (i: number): State => {
    const d = trial(i);
    return {
      trial: i,
      d,
      view: openView(d, plot.clientWidth),
      a: -1,
      b: -1,
      marks: undefined,
      past: 0,
      future: 0,
      matches: [],
      maxSpan: spanOf(d),
    };
  };
  let s = load(0);
  let frame = 0;

  const height = () => LANE_H * s.d.vms.length + AXIS_H;
  const layout = () => {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, plot.clientWidth);
    s.view = { ...s.view, width: w };
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(height() * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${height()}px`;
    lanes.style.height = `${height()}px`;
    lanes.replaceChildren(
      ...s.d.vms.map((v, l) =>
        el(
          "div",
          { class: "st-lane", "data-vm": v.id, style: `top:${LANE_H * l + LANE_H / 2}px` },
          el("b", {}, `VM ${v.id}`),
          el("span", {}, `rate ${v.rate} ticks/s`),
        ),
      ),
    );
  };

  const render = () => {
    frame = 0;
    s = { ...s, view: clamp(s.view, endOf(s.d)) };
    const dpr = window.devicePixelRatio || 1;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const scene: Scene = {
      d: s.d,
      view: s.view,
      a: s.a,
      b: s.b,
      marks: s.marks,
      matches: new Set(s.matches),
    };
    const drawn = draw(g, scene, height(), s.maxSpan);
    const { view, d } = s;
    range.textContent = `showing ${seconds(Math.max(0, view.from), 10)} to ${seconds(Math.min(view.to, endOf(d)), 10)} of ${seconds(endOf(d), 10)}`;
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
    if (drawn.unreceived > 0) {
      const later = d.omitted > 0 ? ", or received after the last event this page carries" : "";
      parts.push(
        `Dashed: ${plural(drawn.unreceived, "message")} sent in view and never received in the trial (still in the receiver's queue when it ended, or lost${later}).`,
      );
    }
    if (d.omitted > 0) {
      parts.push(
        `This trial had ${d.total.toLocaleString("en")} tick events; the page carries its first ${d.vm.length.toLocaleString("en")} (to ${seconds(endOf({ ...d, durationS: 0 }), 1)}), ${d.omitted.toLocaleString("en")} later ones are left out (at most ${data.limitPerTrial.toLocaleString("en")} per trial).`,
      );
    }
    note.textContent = parts.join(" ");
    Object.assign(root.dataset, {
      trial: `${d.experiment}/${d.trial}`,
      from: (view.from / 1000).toFixed(3),
      to: (view.to / 1000).toFixed(3),
      events: String(d.vm.length),
      drawn: String(drawn.events),
      arrows: String(drawn.messages),
      unreceived: String(drawn.unreceived),
      labels: String(drawn.labels),
      crowded: String(drawn.crowded),
      ready: "true",
    });
  };
  const redraw = () => {
    if (frame === 0) frame = requestAnimationFrame(render);
  };

  const key = (i: number) => `${s.d.vms[s.d.vm[i] as number]?.id}:${s.d.tick[i]}`;
  const showInfo = () => {
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
    info.replaceChildren(...parts);
    Object.assign(root.dataset, {
      a: a >= 0 ? key(a) : "",
      b: b >= 0 ? key(b) : "",
      past: a >= 0 ? String(s.past) : "",
      future: a >= 0 ? String(s.future) : "",
      verdict,
    });
  };

  const select = (i: number, second: boolean) => {
    if (i < 0) {
      s = { ...s, a: -1, b: -1, marks: undefined, past: 0, future: 0 };
    } else if (second && s.a >= 0) {
      s = { ...s, b: i };
    } else {
      const c = cone(s.d, i);
      s = { ...s, a: i, b: -1, marks: c.marks, past: c.past, future: c.future };
    }
    showInfo();
    redraw();
  };

  const zoom = (factor: number, atX = s.view.width / 2) => {
    const { view } = s;
    const pivot = msAt(view, atX);
    const span = Math.max(2, (view.to - view.from) * factor);
    const from = pivot - ((pivot - view.from) / (view.to - view.from)) * span;
    s = { ...s, view: clamp({ ...view, from, to: from + span }, endOf(s.d)) };
    redraw();
  };
  const pan = (ms: number) => {
    s = { ...s, view: { ...s.view, from: s.view.from + ms, to: s.view.to + ms } };
    redraw();
  };
  const centreOn = (i: number) => {
    const span = Math.min(s.view.to - s.view.from, OPEN_MS);
    const t = s.d.t[i] as number;
    s = { ...s, view: { ...s.view, from: t - span / 2, to: t + span / 2 } };
  };

  const runSearch = () => {
    const q = parseQuery(s.d, search.value);
    results.replaceChildren();
    if (typeof q === "string") {
      s = { ...s, matches: [] };
      results.append(
        el("span", {}, `Cannot read "${q}": try a VM id, send, receive, internal, jump, clock:N, tick:N.`),
      );
    } else {
      const found = find(s.d, q);
      s = { ...s, matches: found };
      if (search.value.trim() !== "") {
        results.append(
          el(
            "span",
            { id: "st-matches", "data-count": String(found.length) },
            plural(found.length, "match", "matches"),
          ),
        );
      }
      for (const i of found.slice(0, SHOWN_RESULTS)) {
        const b = el(
          "button",
          {
            type: "button",
            "data-vm": s.d.vms[s.d.vm[i] as number]?.id ?? "",
            "data-tick": String(s.d.tick[i]),
            title: "show and select (shift: select as b)",
          },
          describe(s.d, i),
        );
        b.addEventListener("click", (e) => {
          centreOn(i);
          select(i, e.shiftKey);
        });
        results.append(b);
      }
    }
    redraw();
  };

  picker.addEventListener("change", () => {
    s = load(Number(picker.value));
    layout();
    runSearch();
    showInfo();
  });
  zoomIn.addEventListener("click", () => zoom(1 / 2));
  zoomOut.addEventListener("click", () => zoom(2));
  first.addEventListener("click", () => {
    s = { ...s, view: openView(s.d, s.view.width) };
    redraw();
  });
  whole.addEventListener("click", () => {
    s = { ...s, view: wholeView(endOf(s.d), s.view.width) };
    redraw();
  });
  search.addEventListener("input", runSearch);

  canvas.addEventListener(
    "wheel",
    (e) => {
      // A plain wheel scrolls the page; Ctrl (or a pinch) zooms, a sideways wheel or Shift pans.
      const x = e.offsetX;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        zoom(Math.exp(e.deltaY / 300), x);
      } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        const d = e.shiftKey ? e.deltaY : e.deltaX;
        pan((d / s.view.width) * (s.view.to - s.view.from));
      }
    },
    { passive: false },
  );
  let drag: { x: number; from: number; to: number; moved: boolean } | undefined;
  canvas.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, from: s.view.from, to: s.view.to, moved: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (drag === undefined) {
      // Hovering names the event under the pointer, as the static chart's titles do.
      const i = hit(s.d, s.view, e.offsetX, e.offsetY);
      tip.hidden = i < 0;
      if (i >= 0) {
        tip.textContent = describe(s.d, i);
        tip.style.left = `${Math.min(e.offsetX + 12, s.view.width - 260)}px`;
        tip.style.top = `${e.offsetY + 16}px`;
      }
      return;
    }
    tip.hidden = true;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (!drag.moved) return;
    const ms = (dx / s.view.width) * (drag.to - drag.from);
    s = { ...s, view: { ...s.view, from: drag.from - ms, to: drag.to - ms } };
    redraw();
  });
  canvas.addEventListener("pointerup", (e) => {
    const wasDrag = drag?.moved === true;
    drag = undefined;
    if (wasDrag) return;
    const r = canvas.getBoundingClientRect();
    select(hit(s.d, s.view, e.clientX - r.left, e.clientY - r.top), e.shiftKey);
  });
  canvas.addEventListener("pointerleave", () => {
    tip.hidden = true;
  });
  canvas.addEventListener("dblclick", (e) => zoom(1 / 2, e.offsetX));
  canvas.addEventListener("keydown", (e) => {
    const step = (s.view.to - s.view.from) / 5;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => pan(-step),
      ArrowRight: () => pan(step),
      "+": () => zoom(1 / 2),
      "=": () => zoom(1 / 2),
      "-": () => zoom(2),
      Escape: () => select(-1, false),
    };
    const act = keys[e.key];
    if (act !== undefined) {
      e.preventDefault();
      act();
    }
  });
  new ResizeObserver(() => {
    layout();
    render();
  }).observe(plot);

  layout();
  showInfo();
  render();
  performance.mark("st-ready");
}

function start(): void {
  performance.mark("st-start");
  const root = document.getElementById(ROOT_ID);
  const script = document.getElementById(DATA_ID);
  if (root === null || script === null) return;
  const data = JSON.parse(script.textContent ?? "{}") as DiagramData;
  if (data.trials.length === 0) {
    root.textContent = "No trial has tick events to draw.";
    return;
  }
  mount(root, data);
}

start();
