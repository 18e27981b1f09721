import type { VmLog } from "./checks.js";

/** How well one VM's ticks kept to their deadlines. Lateness is `t - due`, in ms. */
export interface TickFidelity {
  vm: string;
  rate: number;
  ticks: number;
  planned: number;
  meanLateMs: number;
  p99LateMs: number;
  maxLateMs: number;
  /** Ticks that ran before their deadline: must be 0. */
  early: number;
  firstTickAt: number | undefined;
}

/** The q-quantile (0..1) of sorted values, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function tickFidelity(log: VmLog): TickFidelity {
  const late = log.ticks.map((l) => l.record.t - l.record.due).sort((a, b) => a - b);
  const start = log.start?.record;
  return {
    vm: log.vm,
    rate: start?.rate ?? Number.NaN,
    ticks: log.ticks.length,
    planned: start?.ticksPlanned ?? Number.NaN,
    meanLateMs: late.length === 0 ? Number.NaN : late.reduce((s, x) => s + x, 0) / late.length,
    p99LateMs: quantile(late, 0.99),
    maxLateMs: late.at(-1) ?? Number.NaN,
    early: late.filter((x) => x < 0).length,
    firstTickAt: log.ticks[0]?.record.t,
  };
}

/** How far apart the VMs' first ticks were, in ms. */
export function firstTickSpreadMs(fidelity: readonly TickFidelity[]): number {
  const firsts = fidelity.map((f) => f.firstTickAt).filter((t): t is number => t !== undefined);
  return firsts.length === 0 ? Number.NaN : Math.max(...firsts) - Math.min(...firsts);
}
