import type { Located } from "../log/reader.js";
import type { StartRecord } from "../log/schema.js";
import type { Collector } from "./collector.js";
import type { SendIndex } from "./send-index.js";

/** One run of the VM's process within the log: from a `start` to a `stop` or to a crash. */
export interface Incarnation {
  start: StartRecord;
  ticks: number;
  /** Rejects its `reject` records stand for (the sum of their `count`s). */
  rejects: number;
  /** Wall time of its last record. */
  lastT: number;
  stopped: boolean;
}

/**
 * Checks a `start` record against the incarnation before it (undefined: this is the first):
 * the first on the first line; a later one only after a crash (no `stop`), under a higher
 * epoch, resuming at the clock the log ended with (`clock`).
 */
export function checkRestart(
  structure: Collector,
  l: Located<StartRecord>,
  previous: Incarnation | undefined,
  firstRecord: boolean,
  clock: number,
): void {
  const r = l.record;
  if (previous === undefined) {
    if (!firstRecord) structure.fail(l, "start record not on the first line");
    return;
  }
  if (previous.stopped) structure.fail(l, "start after stop: two runs in one log");
  if (r.epoch <= previous.start.epoch)
    structure.fail(l, `restart with epoch ${r.epoch}, not above ${previous.start.epoch}`);
  if (r.recovered !== undefined && r.recovered.clock !== clock)
    structure.fail(l, `resumed at clock ${r.recovered.clock}, the log's last clock is ${clock}`);
}

/** A VM process that died without its `stop` record, and what it cost. */
export interface CrashReport {
  vm: string;
  /** Epoch of the incarnation that died. */
  epoch: number;
  /** Ticks it logged, and the wall time of its last record. */
  afterTick: number;
  at: number;
  /** When the VM came back (its next start record) and under which epoch; absent if never. */
  restartedAt?: number;
  newEpoch?: number;
  /** Bytes of a torn last line the restarted VM cut off. */
  tornBytes: number;
  /** Messages its peers logged as sent to it while it was down. */
  sentWhileDown: number;
}

/** One VM's runs, in log order. */
export interface VmRuns {
  vm: string;
  incarnations: readonly Incarnation[];
}

/** Whether a process of this VM died without its `stop` record. */
export function crashed(runs: VmRuns | undefined): boolean {
  return runs?.incarnations.some((i) => !i.stopped) === true;
}

/** Every incarnation of the trial's VMs that ended without a `stop`, with its restart and what it missed. */
export function crashReports(vms: readonly VmRuns[], index: SendIndex): CrashReport[] {
  return vms.flatMap((p) =>
    p.incarnations.flatMap((inc, i) => {
      if (inc.stopped) return [];
      const next = p.incarnations[i + 1];
      const until = next?.start.t ?? Number.POSITIVE_INFINITY;
      const sentWhileDown = vms.reduce(
        (n, q) => n + (q === p ? 0 : index.sentBetween(q.vm, p.vm, inc.lastT, until)),
        0,
      );
      const report: CrashReport = {
        vm: p.vm,
        epoch: inc.start.epoch,
        afterTick: inc.ticks,
        at: inc.lastT,
        tornBytes: next?.start.recovered?.tornBytes ?? 0,
        sentWhileDown,
      };
      if (next !== undefined) {
        report.restartedAt = next.start.t;
        report.newEpoch = next.start.epoch;
      }
      return [report];
    }),
  );
}
