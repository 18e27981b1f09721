import { type CheckResult, Collector } from "./collector.js";

/** The checks the pass over each VM's records runs, by name; one collector each, shared by the trial's VMs. */
export interface TrialCollectors {
  structure: Collector;
  lamport: Collector;
  vector: Collector;
  messages: Collector;
  fifo: Collector;
  wallTime: Collector;
  ticks: Collector;
}

/** A fresh collector for each check of the record pass. */
export function trialCollectors(): TrialCollectors {
  return {
    structure: new Collector("structure"),
    lamport: new Collector("lamport"),
    vector: new Collector("vector"),
    messages: new Collector("messages"),
    fifo: new Collector("fifo"),
    wallTime: new Collector("wall-time"),
    ticks: new Collector("tick-fidelity"),
  };
}

/** Every check of a trial in the order reports list them: readability first, conservation after the per-record ones. */
export function checkResults(
  readable: Collector,
  c: TrialCollectors,
  conservation: Collector,
): CheckResult[] {
  return [
    readable,
    c.structure,
    c.lamport,
    c.vector,
    c.messages,
    c.fifo,
    conservation,
    c.ticks,
    c.wallTime,
  ].map((x) => x.result());
}
