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
}

function bar(fraction: number, width: number): string {
  const done = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"#".repeat(done)}${"-".repeat(width - done)}]`;
}

// Never an exponent, however long the run (`--force --duration 1e300`).
const clockTime = formatDuration;

/** The multi-line view for a terminal. */
export function renderLive(f: LiveFrame): string {
  const table = formatTable(
    ["vm", "rate", "ticks", "clock", "queue", "sent", "recv"],
    f.vms.map((v) => [v.vm, v.rate, `${v.ticks}/${v.planned}`, v.clock, v.queue, v.sent, v.received]),
  );
  const fraction = f.totalS > 0 ? f.elapsedS / f.totalS : 0;
  return [
    `${f.experiment} trial ${f.trial}/${f.trials}`,
    table.replace(/^/gm, "  "),
    `${bar(fraction, 40)} ${Math.round(fraction * 100)}%  ${clockTime(f.totalS - f.elapsedS)} left`,
  ].join("\n");
}

/** One line, for pipes and CI logs. */
export function renderPlain(f: LiveFrame): string {
  const vms = f.vms.map((v) => `${v.vm}:${v.ticks}/${v.planned} c${v.clock} q${v.queue}`).join(" ");
  return `${f.experiment} trial ${f.trial}/${f.trials} ${clockTime(f.elapsedS)}/${clockTime(f.totalS)} ${vms}`;
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
