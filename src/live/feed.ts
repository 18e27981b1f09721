import { closeSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { findingsOf } from "../analysis/findings.js";
import { describeError } from "../base/errors.js";
import { lineParser } from "../log/line.js";
import type { Manifest } from "../run/manifest.js";
import type { ObservedTrial, RunObserver } from "../run/observer.js";
import { EVENTS, type LiveEnd, type LiveRun, type LiveTrial, type LiveTrialEnd } from "./protocol.js";
import type { SseStream } from "./sse.js";
import { trialReport } from "./trial-report.js";

/** The kinds a page draws or needs: a line starting otherwise is not sent. */
const SENT = ["start", "internal", "send", "receive", "stop"].map((k) => `{"event":"${k}"`);
const wanted = (line: string) => SENT.some((p) => line.startsWith(p));

interface FedTrial {
  meta: LiveTrial;
  observed: ObservedTrial;
  /** Per VM: bytes of its log handed to pages so far (whole lines). */
  upTo: Map<string, number>;
  end?: LiveTrialEnd;
}

/**
 * The run as pages see it: every event the orchestrator's tails read goes to every open page
 * at once; a page that opens later first gets the story so far, read back from the logs up to
 * where the tails had got (so nothing is sent twice or missed), then the rest as it comes.
 */
export class LiveFeed implements RunObserver {
  #run: Omit<LiveRun, "now"> | undefined;
  readonly #trials: FedTrial[] = [];
  readonly #pages = new Set<SseStream>();
  #end: LiveEnd | undefined;
  /** Trial ends are found by inspecting logs (async): they go out in order, before `end`. */
  #after: Promise<void> = Promise.resolve();
  /** Where the report is served once written. */
  readonly #reportUrl: string;

  constructor(
    readonly limitPerTrial: number,
    options: { reportUrl: string; onError?: (message: string) => void },
  ) {
    this.#reportUrl = options.reportUrl;
    this.#onError = options.onError ?? (() => undefined);
  }

  readonly #onError: (message: string) => void;

  /** The report's file once the run wrote it. */
  reportPath: string | undefined;

  /** The run folder's name, once the run has started. */
  get folder(): string {
    return this.#run?.folder ?? "";
  }

  get ended(): boolean {
    return this.#end !== undefined;
  }

  get pages(): number {
    return this.#pages.size;
  }

  runStarted(runDir: string, manifest: Manifest): void {
    const config = manifest.config;
    this.#run = {
      folder: basename(runDir),
      startedAt: manifest.startedAt,
      experiments: config.experiments.map((e) => ({
        name: e.name,
        trials: e.trials,
        vms: e.vms,
        durationS: e.durationS,
      })),
      transport: "transport" in config ? config.transport : "memory",
      limitPerTrial: this.limitPerTrial,
    };
    this.#broadcast(EVENTS.run, JSON.stringify({ ...this.#run, now: Date.now() }));
  }

  trialStarted(t: ObservedTrial): void {
    const meta: LiveTrial = {
      index: t.index,
      experiment: t.experiment,
      experimentIndex: t.experimentIndex,
      trial: t.trial,
      trials: t.trials,
      vms: t.vms.map(({ id, rate, planned }) => ({ id, rate, planned })),
      t0: t.startAt,
      durationS: t.durationS,
    };
    this.#trials[t.index] = { meta, observed: t, upTo: new Map() };
    this.#broadcast(EVENTS.trial, JSON.stringify(meta));
  }

  lines(index: number, vm: string, lines: string[], upTo: number): void {
    const trial = this.#trials[index];
    if (trial === undefined) return;
    trial.upTo.set(vm, upTo);
    if (this.#pages.size > 0) this.#broadcast(EVENTS.records, recordsJson(index, vm, lines));
  }

  trialEnded(index: number): void {
    const trial = this.#trials[index];
    if (trial === undefined) return;
    this.#after = this.#after.then(async () => {
      trial.end = await trialEnd(trial.observed).catch((err: unknown) => {
        this.#onError(`live page: cannot read trial ${trial.meta.trial}'s logs: ${describeError(err)}`);
        return { index, ok: false, checks: [], findings: [], interrupted: true };
      });
      this.#broadcast(EVENTS.trialEnd, JSON.stringify(trial.end));
    });
  }

  runEnded(status: Manifest["status"], report: string | undefined): void {
    this.reportPath = report;
    this.#after = this.#after.then(() => {
      this.#end = {
        status: status === "running" ? "interrupted" : status,
        report: report === undefined ? null : this.#reportUrl,
      };
      this.#broadcast(EVENTS.end, JSON.stringify(this.#end));
    });
  }

  /** Resolves once every trial's end and the run's end have gone out. */
  settled(): Promise<void> {
    return this.#after;
  }

  /** A new page: the story so far, then everything as it happens. */
  attach(page: SseStream): void {
    if (this.#run !== undefined) page.send(EVENTS.run, JSON.stringify({ ...this.#run, now: Date.now() }));
    for (const trial of this.#trials) {
      if (trial === undefined) continue;
      page.send(EVENTS.trial, JSON.stringify(trial.meta));
      for (const vm of trial.observed.vms) {
        const upTo = trial.upTo.get(vm.id) ?? 0;
        const lines = linesOf(vm.log, upTo);
        // Logs of a fast trial can be large: a page keeps only `limitPerTrial` events anyway.
        for (let i = 0; i < lines.length; i += 5000) {
          page.send(EVENTS.records, recordsJson(trial.meta.index, vm.id, lines.slice(i, i + 5000)));
        }
      }
      if (trial.end !== undefined) page.send(EVENTS.trialEnd, JSON.stringify(trial.end));
    }
    if (this.#end !== undefined) page.send(EVENTS.end, JSON.stringify(this.#end));
    this.#pages.add(page);
  }

  detach(page: SseStream): void {
    this.#pages.delete(page);
  }

  /** Ends every page's stream (the server is closing). */
  closeAll(): void {
    for (const page of this.#pages) page.close();
    this.#pages.clear();
  }

  #broadcast(name: string, json: string): void {
    for (const page of this.#pages) page.send(name, json);
  }
}

/** A `records` event's data, made of the log's own lines (each already one JSON value). */
function recordsJson(index: number, vm: string, lines: readonly string[]): string {
  return `{"index":${index},"vm":${JSON.stringify(vm)},"records":[${lines.join(",")}]}`;
}

/** The start, tick and stop lines of `file`'s first `upTo` bytes that are records (as the tail reads them). */
function linesOf(file: string, upTo: number): string[] {
  if (upTo === 0) return [];
  const buffer = Buffer.alloc(upTo);
  const fd = openSync(file, "r");
  try {
    let read = 0;
    while (read < upTo) {
      const n = readSync(fd, buffer, read, upTo - read, read);
      if (n === 0) break;
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  const parse = lineParser();
  return buffer
    .toString("utf8")
    .split("\n")
    .filter((line) => wanted(line) && parse(line).record !== undefined);
}

/** What a trial's logs say once it is over: its checks and its own findings. */
async function trialEnd(t: ObservedTrial): Promise<LiveTrialEnd> {
  const report = await trialReport(
    t.vms.map((v) => v.log),
    t.experiment,
  );
  return {
    index: t.index,
    ok: report.ok,
    checks: report.trials.flatMap((a) =>
      a.checks.map((c) => ({ name: c.name, ok: c.ok, checked: c.checked, failures: c.failures })),
    ),
    findings: findingsOf(report)
      .filter((f) => f.topic !== "change")
      .map((f) => f.text),
    interrupted: report.interrupted,
  };
}
