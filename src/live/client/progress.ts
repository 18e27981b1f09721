import type { LiveRun } from "../protocol.js";
import type { LiveTrialState } from "./store.js";

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** Share of the trial's planned ticks done (an interrupted trial stays where it stopped). */
function trialDone(t: LiveTrialState): number {
  if (t.end !== undefined && !t.end.interrupted) return 1;
  const planned = t.now.reduce((n, v) => n + v.planned, 0);
  return planned > 0 ? t.now.reduce((n, v) => n + Math.min(v.ticks, v.planned), 0) / planned : 0;
}

/** Seconds until the trial's first tick (by the server's clock), or 0 once it has ticked. */
export function untilFirstTick(t: LiveTrialState, serverNow: number): number {
  if (t.now.some((v) => v.ticks > 0)) return 0;
  return Math.max(0, (t.meta.t0 - serverNow) / 1000);
}

/** The trial's and the run's progress bars, for trial `t` (the newest). */
export function drawProgress(run: LiveRun, t: LiveTrialState, serverNow: number): void {
  const done = trialDone(t);
  const total = run.experiments.reduce((n, e) => n + e.trials, 0);
  const finished = t.meta.index + (t.end !== undefined && !t.end.interrupted ? 1 : 0);
  const whole = (t.meta.index + done) / Math.max(1, total);
  const exp = t.meta.experiment === "." ? "" : `${t.meta.experiment} · `;
  const wait = untilFirstTick(t, serverNow);
  byId("lv-trial-label").textContent = `${exp}trial ${t.meta.trial} of ${t.meta.trials}`;
  byId("lv-trial-bar").style.width = `${(done * 100).toFixed(1)}%`;
  byId("lv-trial-pct").textContent =
    t.end?.interrupted === true
      ? `stopped at ${Math.floor(done * 100)}%`
      : t.end !== undefined
        ? "done"
        : wait > 0
          ? `first tick in ${Math.ceil(wait)} s`
          : `${Math.floor(done * 100)}%`;
  byId("lv-run-label").textContent = `run: ${run.experiments.map((e) => e.name).join(", ")}`;
  byId("lv-run-bar").style.width = `${(whole * 100).toFixed(1)}%`;
  byId("lv-run-pct").textContent = `${Math.floor(whole * 100)}% (${finished} of ${total} trials done)`;
}
