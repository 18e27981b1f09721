import { el } from "../../report/diagram/client/dom.js";
import type { LiveTrial, LiveTrialEnd } from "../protocol.js";

/** A finished trial's block: its verdict, and the lab notebook's sentences for it. */
export function endedTrial(meta: LiveTrial, end: LiveTrialEnd): HTMLElement {
  const failed = end.checks.filter((c) => !c.ok);
  const verdict =
    failed.length === 0
      ? el("span", { class: "okt" }, `all ${end.checks.length} checks passed`)
      : el(
          "span",
          { class: "badt" },
          `${failed.length} of ${end.checks.length} checks failed: ${failed.map((c) => `${c.name} (${c.failures})`).join(", ")}`,
        );
  const exp = meta.experiment === "." ? "" : `${meta.experiment}, `;
  return el(
    "div",
    { class: "lv-trial-end", "data-index": String(meta.index), "data-ok": String(end.ok) },
    el(
      "h3",
      {},
      `${exp}trial ${meta.trial} of ${meta.trials}${end.interrupted ? " (cut short)" : ""}: `,
      verdict,
    ),
    el("ul", {}, ...end.findings.map((f) => el("li", {}, f))),
  );
}
