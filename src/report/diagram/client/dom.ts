import { COLOURS } from "./scene.js";

/** Creates an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const swatch = (svg: string) => {
  const s = el("span", { class: "st-sw" });
  s.innerHTML = `<svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true">${svg}</svg>`;
  return s;
};

/** The key to the drawing's marks and colours. */
export function legend(live = false): HTMLElement {
  const item = (svg: string, text: string) => el("span", { class: "st-key" }, swatch(svg), text);
  return el(
    "div",
    { class: "st-legend" },
    item(`<circle cx="11" cy="7" r="5" fill="${COLOURS.internal}"/>`, "internal event"),
    item(`<path d="M6 2 L17 7 L6 12 Z" fill="${COLOURS.send}"/>`, "send"),
    item(`<rect x="6" y="2" width="10" height="10" fill="${COLOURS.receive}"/>`, "receive"),
    item(
      `<line x1="1" y1="12" x2="17" y2="3" stroke="${COLOURS.arrow}" stroke-width="1.5"/><path d="M21 1 L13 2 L17 7 Z" fill="${COLOURS.arrow}"/>`,
      "message, send to arrival (bowed past the lanes it crosses)",
    ),
    item(
      `<line x1="1" y1="12" x2="17" y2="3" stroke="${COLOURS.arrow}" stroke-width="1.5" stroke-dasharray="3 2"/><path d="M21 1 L13 2 L17 7 Z" fill="${COLOURS.arrow}"/>`,
      live ? "message not received yet" : "message never received",
    ),
    item(`<rect x="1" y="4" width="20" height="6" fill="${COLOURS.wait}"/>`, "wait in the queue"),
    item(
      `<circle cx="11" cy="7" r="5.5" fill="none" stroke="${COLOURS.jump}" stroke-width="2"/>`,
      "clock jump (+n values skipped)",
    ),
    item(`<circle cx="11" cy="7" r="5" fill="${COLOURS.past}"/>`, "causal past of a"),
    item(`<circle cx="11" cy="7" r="5" fill="${COLOURS.future}"/>`, "causal future of a"),
  );
}

/** The diagram's stylesheet (scoped to its root). */
export const CSS = `
.st{font-size:.9rem;margin:1rem 0}
.st-bar{display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:center;margin-bottom:.5rem}
.st-bar button{font:inherit;padding:.15rem .6rem;border:1px solid #bbb;background:#f7f7f7;border-radius:4px;cursor:pointer}
.st-bar button:hover{background:#eee}.st-bar select,.st-bar input{font:inherit;padding:.15rem .3rem}
.st-bar input{width:17rem}.st-range{color:#444;font-variant-numeric:tabular-nums}
.st-body{display:flex;border:1px solid #ddd;border-radius:4px;overflow:hidden}
.st-lanes{position:relative;flex:0 0 7.5rem;border-right:1px solid #ddd;background:#fcfcfc}
.st-lane{position:absolute;left:0;right:0;padding:0 .5rem;transform:translateY(-50%);line-height:1.25}
.st-lane b{display:block}.st-lane span{color:#555;font-size:.8rem}
.st-plot{position:relative;flex:1 1 auto;min-width:0}
.st-tip{position:absolute;pointer-events:none;background:#222;color:#fff;font-size:.8rem;padding:.2rem .45rem;border-radius:3px;white-space:nowrap;z-index:1}
.st-tip[hidden]{display:none}
.st-plot canvas{display:block;cursor:grab;touch-action:none}.st-plot canvas:active{cursor:grabbing}
.st-note{color:#555;margin:.35rem 0;min-height:1.2em}
.st-results{display:flex;flex-wrap:wrap;gap:.3rem;margin:.3rem 0;max-height:7.5rem;overflow:auto}
.st-results button{font:inherit;font-size:.8rem;border:1px solid #e5c100;background:#fff9db;border-radius:3px;padding:.1rem .4rem;cursor:pointer}
.st-info{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px;padding:.5rem .75rem;margin:.5rem 0}
.st-info p{margin:.25rem 0}.st-verdict{font-weight:bold}
.st-legend{display:flex;flex-wrap:wrap;gap:.3rem 1.1rem;color:#333;font-size:.85rem;margin:.4rem 0}
.st-key{display:inline-flex;align-items:center;gap:.3rem}
`;
