import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { ChartSpec } from "./chart-style.js";

/**
 * Renders a Vega-Lite spec to a standalone SVG string in Node. Marks with a description get
 * an SVG <title>, which browsers show on hover, so the static page still answers "what is this".
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return addTitles(svg);
  } finally {
    view.finalize();
  }
}

function addTitles(svg: string): string {
  // Vega writes each mark as a self-closing element with aria-label; give it a <title> child.
  // The label is already escaped for an attribute, which is also valid as element text.
  return svg.replace(
    /<(path|rect|line)([^>]*?) aria-label="([^"]*)"([^>]*?)\/>/g,
    (_m, tag, a, label, b) => `<${tag}${a} aria-label="${label}"${b}><title>${label}</title></${tag}>`,
  );
}

/** Rasterises an SVG to PNG at twice its size, with the machine's fonts. */
export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    fitTo: { mode: "zoom", value: 2 },
  })
    .render()
    .asPng();
}
