import { ROOT_ID } from "../report/diagram/format.js";
import { esc } from "../report/escape.js";
import { page } from "./page-style.js";
import { STREAM } from "./protocol.js";

/** Where the live page's script is served. */
export const LIVE_SCRIPT = "live.js";
/** Where its event stream is served. */
export const LIVE_EVENTS = STREAM;

const CSS = `
.lv-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.3rem 1.2rem}
.lv-status{font-weight:bold}.lv-status.ended{color:#17803d}.lv-status.lost{color:#c0262d}
.lv-progress{display:grid;grid-template-columns:max-content 1fr max-content;gap:.3rem .8rem;align-items:center;max-width:60rem;margin:.6rem 0}
.lv-bar{height:.7rem;background:#eee;border-radius:4px;overflow:hidden}.lv-bar>div{height:100%;background:#4c78a8;width:0}
.lv-vms td canvas{display:block}.lv-vms td.lv-jump{white-space:nowrap}
.lv-findings li{margin:.2rem 0}.lv-checks{font-size:.9rem}
.lv-help{margin:.2rem 0 .4rem;color:#444;font-size:.9rem}.lv-help p{margin:.3rem 0;max-width:70rem}
.lv-vms table{margin:.3rem 0}
`;

/**
 * The live page's shell: the run's name, progress bars, the VMs' live numbers, the space-time
 * diagram (the report's, fed as the run goes) and each trial's findings when it ends. The
 * script fills it from the event stream; everything comes from this server.
 */
export function livePage(folder: string): string {
  const body = `<div class="lv-head"><h1>clocklab live</h1><span id="lv-run" class="muted">${esc(folder)}</span>
<span id="lv-status" class="lv-status">connecting…</span></div>
<div class="lv-progress">
<span id="lv-trial-label">trial</span><div class="lv-bar"><div id="lv-trial-bar"></div></div><span id="lv-trial-pct"></span>
<span id="lv-run-label">run</span><div class="lv-bar"><div id="lv-run-bar"></div></div><span id="lv-run-pct"></span>
</div>
<div id="lv-vms" class="lv-vms"></div>
<details class="lv-help"><summary>What am I looking at?</summary>
<p><b>Lamport clock</b>: the VM's clock now. <b>lag</b>: how far it is behind the largest clock of the trial (the leader). <b>queue</b>: messages waiting to be taken, one per tick. <b>latest jump</b>: the clock values skipped when a message's clock was ahead of the VM's (+n: n values skipped). The small charts: the last 30 seconds of lag and queue, scaled to their largest value (written above them).</p>
<p>The diagram: one lane per VM, time to the right; an arrow runs from a send to the message's arrival, the shaded bar is its wait in the queue until the receive tick, a circled event is a jump. The view follows the newest events (the "newest" button goes back to them); drag or zoom to look back; click an event to light up its causal past and future (following pauses while an event is chosen; Esc clears).</p></details>
<div id="${ROOT_ID}" class="st"><noscript>The live view needs JavaScript.</noscript></div>
<section id="lv-ended"><h2>Trials so far</h2><div id="lv-findings" class="lv-findings"><p class="muted">Each trial's findings appear here when it ends.</p></div></section>
<script src="/${LIVE_SCRIPT}"></script>`;
  return page(`clocklab live · ${esc(folder)}`, body, CSS);
}
