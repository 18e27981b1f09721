import { hit } from "./draw.js";
import type { View } from "./scale.js";
import { describe } from "./search.js";
import type { State } from "./state.js";

/** What the canvas's wheel, pointer and keys do to the diagram they belong to. */
export interface Actions {
  state: () => State;
  zoom: (factor: number, atX?: number) => void;
  pan: (ms: number) => void;
  /** Shows `view`, as a drag moves the time axis under the pointer. */
  show: (view: View) => void;
  select: (i: number, second: boolean) => void;
}

/**
 * The canvas's input: a plain wheel scrolls the page, Ctrl + wheel zooms, a sideways or Shift
 * wheel pans, dragging pans, a click chooses an event (shift: as b), hovering names the event
 * under the pointer in `tip`, a double click zooms in; the arrow keys pan, + and - zoom, Escape
 * clears the choice.
 */
export function listen(canvas: HTMLCanvasElement, tip: HTMLElement, act: Actions): void {
  canvas.addEventListener(
    "wheel",
    (e) => {
      // A plain wheel scrolls the page; Ctrl (or a pinch) zooms, a sideways wheel or Shift pans.
      const x = e.offsetX;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        act.zoom(Math.exp(e.deltaY / 300), x);
      } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        const d = e.shiftKey ? e.deltaY : e.deltaX;
        const { view } = act.state();
        act.pan((d / view.width) * (view.to - view.from));
      }
    },
    { passive: false },
  );
  let drag: { x: number; from: number; to: number; moved: boolean } | undefined;
  canvas.addEventListener("pointerdown", (e) => {
    const { view } = act.state();
    drag = { x: e.clientX, from: view.from, to: view.to, moved: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    const s = act.state();
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
    act.show({ ...s.view, from: drag.from - ms, to: drag.to - ms });
  });
  canvas.addEventListener("pointerup", (e) => {
    const wasDrag = drag?.moved === true;
    drag = undefined;
    if (wasDrag) return;
    const r = canvas.getBoundingClientRect();
    const s = act.state();
    act.select(hit(s.d, s.view, e.clientX - r.left, e.clientY - r.top), e.shiftKey);
  });
  canvas.addEventListener("pointerleave", () => {
    tip.hidden = true;
  });
  canvas.addEventListener("dblclick", (e) => act.zoom(1 / 2, e.offsetX));
  canvas.addEventListener("keydown", (e) => {
    const { view } = act.state();
    const step = (view.to - view.from) / 5;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => act.pan(-step),
      ArrowRight: () => act.pan(step),
      "+": () => act.zoom(1 / 2),
      "=": () => act.zoom(1 / 2),
      "-": () => act.zoom(2),
      Escape: () => act.select(-1, false),
    };
    const action = keys[e.key];
    if (action !== undefined) {
      e.preventDefault();
      action();
    }
  });
}
