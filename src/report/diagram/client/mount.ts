import type { TrialDiagram } from "../format.js";
import { buildPage, trialLabel } from "./controls.js";
import { el } from "./dom.js";
import { draw } from "./draw.js";
import { listen } from "./input.js";
import { plural } from "./panel.js";
import { infoPanel, noteText, rangeText } from "./readout.js";
import type { View } from "./scale.js";
import { AXIS_H, LANE_H, type Scene } from "./scene.js";
import { describe, find, parseQuery } from "./search.js";
import { grown, newestView, opened, type State, selected } from "./state.js";
import { centred, clamp, endOf, openView, panned, wholeView, zoomed } from "./view.js";

const SHOWN_RESULTS = 40;

/** The trials a diagram shows: the report's, fixed, or the live page's, growing. */
export interface TrialSource {
  /** Tick events a trial carries at most. */
  limitPerTrial: number;
  /** Trials still running: a message not received yet may be in flight. */
  live?: boolean;
  count(): number;
  trial(i: number): TrialDiagram;
}

/** What the live page tells a mounted diagram. */
export interface Mounted {
  /** Trial `i` has new events, or is new: redraw it when shown; a new trial joins the picker. */
  changed(i: number): void;
  /** Shows trial `i` (the newest, as it starts), unless the reader chose an earlier one. */
  follow(i: number): void;
}

export function mount(root: HTMLElement, data: TrialSource, opening = 0): Mounted {
  const {
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
    newest,
  } = buildPage(root, data);
  const g = canvas.getContext("2d");
  if (g === null) {
    note.textContent = "This browser cannot draw on a canvas.";
    return { changed: () => undefined, follow: () => undefined };
  }

  const load = (i: number): State => opened(i, data.trial(i), plot.clientWidth);
  let s = load(opening);
  picker.value = String(opening);
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
    range.textContent = rangeText(view, d);
    note.textContent = noteText(drawn, d, data.limitPerTrial, data.live === true);
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
    const { a, b } = s;
    const { parts, verdict } = infoPanel(s);
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
    s = selected(s, i, second);
    showInfo();
    redraw();
  };
  const show = (view: View) => {
    s = { ...s, view };
    redraw();
  };
  const zoom = (factor: number, atX = s.view.width / 2) => show(zoomed(s.view, factor, atX, endOf(s.d)));
  const pan = (ms: number) => show(panned(s.view, ms));

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
          s = { ...s, view: centred(s.view, s.d.t[i] as number) };
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
  first.addEventListener("click", () => show(openView(s.d, s.view.width)));
  whole.addEventListener("click", () => show(wholeView(endOf(s.d), s.view.width)));
  newest?.addEventListener("click", () => show(newestView(s)));
  search.addEventListener("input", runSearch);
  listen(canvas, tip, { state: () => s, zoom, pan, show, select });
  new ResizeObserver(() => {
    layout();
    render();
  }).observe(plot);

  layout();
  showInfo();
  render();
  performance.mark("st-ready");

  /** Trials the picker offers; the live page adds the ones that start later. */
  let offered = picker.options.length;
  /** The reader chose an earlier trial by hand: a new trial does not take the screen from them. */
  let pinned = false;
  picker.addEventListener("change", () => {
    pinned = Number(picker.value) !== data.count() - 1;
  });
  const offer = () => {
    for (; offered < data.count(); offered++) {
      picker.append(el("option", { value: String(offered) }, trialLabel(data.trial(offered))));
    }
  };
  return {
    changed(i: number) {
      offer();
      if (i !== s.trial) return;
      s = grown(s, data.trial(i));
      if (s.a >= 0) showInfo();
      redraw();
    },
    follow(i: number) {
      offer();
      if (pinned || i === s.trial) return;
      picker.value = String(i);
      s = load(i);
      layout();
      runSearch();
      showInfo();
      redraw();
    },
  };
}
