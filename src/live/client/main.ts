import { type Mounted, mount } from "../../report/diagram/client/mount.js";
import { ROOT_ID } from "../../report/diagram/format.js";
import {
  EVENTS,
  type LiveEnd,
  type LiveRecord,
  type LiveRecords,
  type LiveRun,
  type LiveTrial,
  type LiveTrialEnd,
  STREAM,
} from "../protocol.js";
import { endedTrial } from "./ended.js";
import { machinesTable } from "./machines.js";
import { drawProgress, untilFirstTick } from "./progress.js";
import { LiveStore } from "./store.js";

/** Milliseconds between redraws of the machines' table (the diagram redraws every frame). */
const TABLE_MS = 250;
/** Delays kept for the bench: record written to event drawn, in ms. */
const KEPT_DELAYS = 100_000;

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** What the page measures of itself, for tests and the bench (window.clocklabLive). */
interface Measured {
  /** Per tick event drawn: ms from its record's time to the frame, and the record's time. */
  delays: number[];
  at: number[];
}

function start(): void {
  const root = byId(ROOT_ID);
  const status = byId("lv-status");
  const findings = byId("lv-findings");
  const placeholder = findings.firstElementChild ?? document.createElement("p");
  const measured: Measured = { delays: [], at: [] };
  (window as unknown as { clocklabLive: Measured }).clocklabLive = measured;
  let run: LiveRun | undefined;
  let store = new LiveStore(1);
  let mounted: Mounted | undefined;
  let shown = -1;
  let frame = 0;
  let lastTable = 0;
  let fed: LiveRecord[] = [];

  const setStatus = (text: string, cls = "") => {
    status.textContent = text;
    status.className = `lv-status ${cls}`;
    document.body.dataset.status = cls || "running";
  };

  const current = () => store.trials[store.trials.length - 1];
  /** The server's clock minus this browser's, from the stream's first event. */
  let offset = 0;
  const serverNow = () => Date.now() + offset;
  let verdict = "";
  const showStatus = () => {
    const t = current();
    if (document.body.dataset.status === "ended" || t === undefined) return;
    if (t.end?.interrupted === true) return setStatus("interrupted: the VMs are stopping…", "lost");
    const wait = untilFirstTick(t, serverNow());
    const now = wait > 0 ? `trial ${t.meta.trial}: first tick in ${Math.ceil(wait)} s` : "running";
    setStatus(verdict === "" ? now : `${now} · ${verdict}`);
  };
  const drawHead = () => {
    const t = current();
    if (run === undefined || t === undefined) return;
    drawProgress(run, t, serverNow());
    showStatus();
  };
  // The countdown to a trial's first tick moves without events.
  setInterval(drawHead, 500);

  const drawTable = () => {
    const t = store.trials[shown];
    if (t === undefined) return;
    const nowS = Math.max(0, (t.lastT - t.meta.t0) / 1000);
    byId("lv-vms").replaceChildren(machinesTable(t.now, nowS));
  };

  const render = () => {
    frame = 0;
    const { changed, fed: records } = store.flush();
    // A new trial takes the screen at its first tick, not at its VMs' start: until then the
    // last one stays in view with its verdict.
    const ticked = [...changed].filter((i) => store.trials[i]?.now.some((v) => v.ticks > 0));
    const newest = Math.max(shown, ...ticked);
    if (newest > shown) {
      shown = newest;
      lastTable = 0;
    }
    if (mounted === undefined && shown >= 0) mounted = mount(root, source, shown);
    else if (mounted !== undefined) {
      for (const i of ticked) mounted.changed(i);
      mounted.follow(shown);
    }
    document.body.dataset.received = String(store.received);
    drawHead();
    if (performance.now() - lastTable > TABLE_MS) {
      lastTable = performance.now();
      drawTable();
    }
    fed = records;
    // The diagram draws in its own animation frame, queued by `changed` before this one.
    requestAnimationFrame(() => {
      const now = Date.now();
      for (const r of fed) {
        if (r.tick !== undefined && measured.delays.length < KEPT_DELAYS) {
          measured.delays.push(now - r.t);
          measured.at.push(r.t);
        }
      }
      fed = [];
    });
  };
  const later = () => {
    if (frame === 0) frame = requestAnimationFrame(render);
  };

  const source = {
    live: true,
    get limitPerTrial() {
      return store.limitPerTrial;
    },
    count: () => store.trials.length,
    trial: (i: number) => store.diagram(i),
  };

  const events = new EventSource(`/${STREAM}`);
  events.addEventListener(EVENTS.run, (e) => {
    // Also after a reconnect: the stream tells the whole story again, so start over.
    run = JSON.parse((e as MessageEvent).data) as LiveRun;
    offset = run.now - Date.now();
    verdict = "";
    store = new LiveStore(run.limitPerTrial);
    mounted = undefined;
    shown = -1;
    root.replaceChildren();
    findings.replaceChildren(placeholder);
    byId("lv-run").textContent = `${run.folder} · ${run.transport}`;
    setStatus("running");
  });
  events.addEventListener(EVENTS.trial, (e) => {
    store.addTrial(JSON.parse((e as MessageEvent).data) as LiveTrial);
    later();
  });
  events.addEventListener(EVENTS.records, (e) => {
    store.add(JSON.parse((e as MessageEvent).data) as LiveRecords);
    later();
  });
  events.addEventListener(EVENTS.trialEnd, (e) => {
    const end = JSON.parse((e as MessageEvent).data) as LiveTrialEnd;
    const t = store.trials[end.index];
    if (t === undefined) return;
    t.end = end;
    if (findings.querySelector(".lv-trial-end") === null) findings.replaceChildren();
    findings.append(endedTrial(t.meta, end));
    const failed = end.checks.filter((c) => !c.ok).length;
    verdict = `trial ${t.meta.trial} of ${t.meta.trials} ${end.interrupted ? "cut short" : "ended"}: ${failed === 0 ? `all ${end.checks.length} checks passed` : `${failed} checks failed`}`;
    lastTable = 0;
    later();
  });
  events.addEventListener(EVENTS.end, (e) => {
    const end = JSON.parse((e as MessageEvent).data) as LiveEnd;
    events.close();
    render();
    drawTable();
    // Said once, for whoever checks the page against the logs (the tests do).
    console.info(`clocklab live: run ${end.status}; ${store.received} tick events received`);
    if (end.report !== null) {
      setStatus(`run ${end.status}: opening its report…`, "ended");
      // The same address serves the report now: it stays on screen after the server stops.
      location.reload();
    } else setStatus(`run ${end.status} (no report was written: --no-html)`, "ended");
  });
  events.addEventListener("error", () => {
    if (events.readyState === EventSource.CLOSED)
      setStatus("disconnected: the run's server has stopped", "lost");
    else setStatus("reconnecting…", "lost");
  });
}

start();
