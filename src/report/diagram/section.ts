import type { InspectReport } from "../../analysis/inspect.js";
import { esc } from "../escape.js";
import { clientBundle } from "./bundle.js";
import { DEFAULT_BOUNDS, type DiagramBounds, extractTrial, limitFor } from "./extract.js";
import { DATA_ID, type DiagramData, pack, ROOT_ID } from "./format.js";

const count = (n: number) => n.toLocaleString("en");

/** Text safe inside a <script> element: no `</script` and no `<!--` can appear in it. */
const scriptSafe = (s: string) => s.replace(/</g, "\\u003c");

/**
 * The report's interactive space-time diagram: a section with the trials' events as JSON and
 * the bundled script that draws them (built from src/report/diagram/client). Everything is
 * inline, so the page stays one file that works offline.
 */
export function diagramSection(report: InspectReport, bounds: DiagramBounds = DEFAULT_BOUNDS): string {
  const limit = limitFor(report.trials.length, bounds);
  const trials = report.trials.filter((t) => t.files.length > 0).map((t) => extractTrial(t, limit));
  if (trials.length === 0) return "";
  const data: DiagramData = { limitPerTrial: limit, trials: trials.map(pack) };
  const script = clientBundle().replace(/<\/script/gi, "<\\/script");
  const cut = trials.filter((t) => t.omitted > 0);
  const bound =
    cut.length === 0
      ? ""
      : `<p class="st-bound">To keep this page small it carries at most ${count(data.limitPerTrial)} tick events per trial, the first ones: ${cut
          .map(
            (t) =>
              `${esc(t.experiment === "." ? "" : `${t.experiment} `)}trial ${t.trial} shows ${count(t.vm.length)} of ${count(t.total)} (to ${((t.t[t.t.length - 1] ?? 0) / 1000).toFixed(1)} s; ${count(t.omitted)} left out)`,
          )
          .join("; ")}. <code>clocklab inspect</code> reads every event.</p>`;
  return `<section id="diagram"><h2>Space-time diagram</h2>
<p>Every tick event of a trial: one lane per VM, time from the trial's first tick. Each event carries its Lamport value (where values would overlap, some are left out until you zoom in; hovering names any event). An arrow runs from a send to the message's arrival, bowed where it passes another VM's lane, and the shaded bar after it is the wait in the queue until the receive tick; a dashed arrow is a message never received (still queued when the trial ended, or lost). Drag to pan; zoom with the buttons, Ctrl + wheel or a double click (the keyboard: arrows pan, + and - zoom, Esc clears the selection).</p>
${bound}<div id="${ROOT_ID}" class="st"><noscript>The diagram needs JavaScript; the charts above do not.</noscript></div>
<script type="application/json" id="${DATA_ID}">${scriptSafe(JSON.stringify(data))}</script>
<script>${script}</script></section>`;
}
