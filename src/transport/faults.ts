import { UsageError } from "../base/errors.js";
import type { Rng } from "../base/rng.js";
import type { Transport } from "./transport.js";

/** How long a message is held back before it is handed to the real transport. */
export type LatencyModel =
  | { kind: "none" }
  | { kind: "constant"; ms: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  | { kind: "exponential"; meanMs: number };

/** A cut link during a window of the trial (seconds after its first tick). */
export interface Partition {
  from: string;
  to: string;
  startS: number;
  endS: number;
}

/** Faults injected on the sending side, all drawn from their own seeded stream. */
export interface FaultSpec {
  latency: LatencyModel;
  /** Probability that a message is dropped. */
  loss: number;
  /** Probability that a message is sent twice. */
  duplicate: number;
  partitions: Partition[];
}

export const NO_FAULTS: FaultSpec = { latency: { kind: "none" }, loss: 0, duplicate: 0, partitions: [] };

export function hasFaults(f: FaultSpec): boolean {
  return f.latency.kind !== "none" || f.loss > 0 || f.duplicate > 0 || f.partitions.length > 0;
}

/** What the fault layer did to one message, for the sender's log. */
export interface FaultEvent {
  kind: "loss" | "partition" | "duplicate";
  to: string;
  frame: Uint8Array;
}

/** Parses `--latency`: `20` (constant ms), `uniform:10-30`, or `exp:20` (exponential, mean 20 ms). */
export function parseLatency(value: string): LatencyModel {
  const v = value.trim();
  const num = (s: string | undefined) =>
    s !== undefined && /^\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
  const uniform = /^uniform:([\d.]+)-([\d.]+)$/.exec(v);
  const exp = /^exp:([\d.]+)$/.exec(v);
  let model: LatencyModel | undefined;
  if (/^\d+(\.\d+)?$/.test(v)) model = { kind: "constant", ms: Number(v) };
  else if (uniform !== null && num(uniform[1]) <= num(uniform[2])) {
    model = { kind: "uniform", minMs: num(uniform[1]), maxMs: num(uniform[2]) };
  } else if (exp !== null && num(exp[1]) > 0) model = { kind: "exponential", meanMs: num(exp[1]) };
  if (model === undefined) {
    throw new UsageError({
      field: "latency",
      detail: `expected MS, uniform:MIN-MAX or exp:MEAN (milliseconds), got "${value}"`,
    });
  }
  return model;
}

/** Parses `--partition A-B@START-END` (both directions) or `A>B@START-END` (one), in seconds. */
export function parsePartitions(value: string): Partition[] {
  const m = /^([0-9A-Za-z.]+)([->])([0-9A-Za-z.]+)@([\d.]+)-([\d.]+)$/.exec(value.trim());
  const startS = Number(m?.[4]);
  const endS = Number(m?.[5]);
  if (m === null || !(endS > startS)) {
    throw new UsageError({
      field: "partition",
      detail: `expected A-B@START-END or A>B@START-END (seconds, END > START), got "${value}"`,
    });
  }
  const [a, b] = [m[1] as string, m[3] as string];
  const one = { from: a, to: b, startS, endS };
  return m[2] === "-" ? [one, { from: b, to: a, startS, endS }] : [one];
}

/** Parses a probability in [0, 1]; `field` names the input (`loss`, `duplicate`), for the error. */
export function parseProbability(field: string, value: string): number {
  const p = value.trim() === "" ? Number.NaN : Number(value);
  if (!(p >= 0 && p <= 1))
    throw new UsageError({ field, detail: `expected a probability from 0 to 1, got "${value}"` });
  return p;
}

/** Draws one delay (ms) from a latency model. */
export function sampleLatency(model: LatencyModel, rng: Rng): number {
  switch (model.kind) {
    case "none":
      return 0;
    case "constant":
      return model.ms;
    case "uniform":
      return model.minMs + rng.next() * (model.maxMs - model.minMs);
    case "exponential":
      return -model.meanMs * Math.log(1 - rng.next());
  }
}

export interface FaultDeps {
  self: string;
  rng: Rng;
  now(): number;
  /** Wall time (ms) of the VM's first tick: partitions are relative to it. */
  startAt(): number;
  /** Told about every lost, cut or duplicated message, so the sender can log it. */
  report(event: FaultEvent): void;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/**
 * Wraps any transport with seeded faults on the sending side: latency, loss, duplication and
 * partitions. Everything else is the inner transport's. What it drops or duplicates it reports,
 * so every message stays explained in the logs.
 */
export function withFaults(inner: Transport, spec: FaultSpec, deps: FaultDeps): Transport {
  const setT = deps.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const clearT = deps.clearTimeout ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const held = new Map<unknown, { to: string; frame: Uint8Array }>();
  const cut = (to: string): boolean => {
    const s = (deps.now() - deps.startAt()) / 1000;
    return spec.partitions.some((p) => p.from === deps.self && p.to === to && s >= p.startS && s < p.endS);
  };
  const deliver = (to: string, frame: Uint8Array): void => {
    const delay = sampleLatency(spec.latency, deps.rng);
    if (delay <= 0) {
      inner.send(to, frame);
      return;
    }
    const handle = setT(() => {
      held.delete(handle);
      inner.send(to, frame);
    }, delay);
    held.set(handle, { to, frame });
  };
  return {
    name: inner.name,
    start: (handlers) => inner.start(handlers),
    send(to: string, frame: Uint8Array): void {
      // Draw every number for every message, so one fault's setting does not shift the others'.
      const lost = deps.rng.next() < spec.loss;
      const doubled = deps.rng.next() < spec.duplicate;
      if (cut(to)) {
        deps.report({ kind: "partition", to, frame });
        return;
      }
      if (lost) {
        deps.report({ kind: "loss", to, frame });
        return;
      }
      deliver(to, frame);
      if (doubled) {
        deps.report({ kind: "duplicate", to, frame });
        deliver(to, frame);
      }
    },
    async close(lingerMs?: number): Promise<number> {
      // Whatever latency still holds goes out now rather than vanishing unexplained.
      for (const [handle, { to, frame }] of held) {
        clearT(handle);
        inner.send(to, frame);
      }
      held.clear();
      return inner.close(lingerMs);
    },
  };
}
