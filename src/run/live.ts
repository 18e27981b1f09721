import { formatTable } from "../analysis/table.js";
import { formatDuration } from "./bounds.js";
import type { VmLive } from "./tail.js";

/** What the live view knows at one instant. */
export interface LiveFrame {
  experiment: string;
  trial: number;
  trials: number;
  vms: VmLive[];
  /** Seconds into the run, and the run's expected total. */
  elapsedS: number;
  totalS: number;
  /** Seconds into this trial, and its expected total (start delay, ticking, drain). */
  trialElapsedS: number;
  trialS: number;
  /** Every VM of the trial has exited: the final frame. */
  done: boolean;
  /** The run was interrupted (Ctrl-C): the trial stopped before its end. */
  stopped?: boolean;
}

/** How far the trial is: the share of planned ticks done (time while nothing is planned). */
function trialFraction(f: LiveFrame): number {
  if (f.done && !f.stopped) return 1;
  const planned = f.vms.reduce((n, v) => n + v.planned, 0);
  if (planned > 0)
    return Math.min(0.99, f.vms.reduce((n, v) => n + Math.min(v.ticks, v.planned), 0) / planned);
  return f.trialS > 0 ? Math.min(0.99, f.trialElapsedS / f.trialS) : 0;
}

/** "+4 at 12.3 s", or "-" before the VM's first jump. */
const jumpText = (v: VmLive) => (v.lastJump > 0 ? `+${v.lastJump} at ${v.lastJumpAtS.toFixed(1)} s` : "-");

function bar(fraction: number, width: number): string {
  const done = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"#".repeat(done)}${"-".repeat(width - done)}]`;
}

// Never an exponent, however long the run (`--force --duration 1e300`).
const clockTime = formatDuration;

/** The multi-line view for a terminal. */
export function renderLive(f: LiveFrame): string {
  const leader = Math.max(0, ...f.vms.map((v) => v.clock));
  const table = formatTable(
    ["vm", "rate", "ticks", "clock", "lag", "last jump", "queue", "sent", "recv"],
    f.vms.map((v) => [
      v.vm,
      v.rate,
      `${v.ticks}/${v.planned}`,
      v.clock,
      leader - v.clock,
      jumpText(v),
      v.queue,
      v.sent,
      v.received,
    ]),
  );
  const fraction = trialFraction(f);
  const runLeft = Math.max(0, f.totalS - f.elapsedS);
  const status = f.stopped
    ? `trial ${f.trial}/${f.trials} stopped (interrupted)`
    : f.done
      ? `trial ${f.trial}/${f.trials} done${runLeft > 0.5 ? ` · run ${clockTime(runLeft)} left` : ""}`
      : `trial ${clockTime(Math.max(0, f.trialS - f.trialElapsedS))} left · run ${clockTime(runLeft)} left`;
  return [
    `${f.experiment} trial ${f.trial}/${f.trials}`,
    table.replace(/^/gm, "  "),
    `${bar(fraction, 40)} ${Math.round(fraction * 100)}%  ${status}`,
  ].join("\n");
}

/** One line, for pipes and CI logs. */
export function renderPlain(f: LiveFrame): string {
  const vms = f.vms.map((v) => `${v.vm}:${v.ticks}/${v.planned} c${v.clock} q${v.queue}`).join(" ");
  const done = f.stopped ? " stopped" : f.done ? " done" : "";
  return `${f.experiment} trial ${f.trial}/${f.trials}${done} ${clockTime(f.elapsedS)}/${clockTime(f.totalS)} ${vms}`;
}

/** Redraws a block of lines in place on a terminal. */
export class InPlace {
  #lines = 0;

  constructor(private readonly write: (s: string) => void) {}

  draw(text: string): void {
    const up = this.#lines > 0 ? `\u001b[${this.#lines}F` : "";
    this.write(`${up}\u001b[J${text}\n`);
    this.#lines = text.split("\n").length;
  }

  /** Leaves what is drawn on screen and starts a fresh block below it. */
  release(): void {
    this.#lines = 0;
  }
}
