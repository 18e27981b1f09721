/**
 * What a VM's rate ratio predicts: a simple model of jumps, lag and queue, derived from how a
 * VM behaves (one event per tick; an empty queue means a draw in 1..R: 1..P sends to one peer,
 * P+1 to all, the rest internal).
 *
 * Notation: N VMs, rates r_i, fastest f = max r_i, ratio q_i = r_i / f, event range R, a = 2/R
 * (the chance a draw sends to one given peer: its own number or the broadcast).
 *
 * 1. Clock per tick. Receives pull every clock up to the largest, so in steady state every
 *    clock advances about f per second. A VM ticks r_i times a second, so each of its ticks
 *    advances its clock by f / r_i = 1/q on average: it skips 1/q - 1 values per tick, and
 *    the fastest VM skips none. Jumps grow as q falls.
 * 2. Arrivals. VM j draws on every tick its queue is empty, so it sends to i about
 *    s_j = a (r_j - λ_j) messages a second, where λ_j is what j receives: λ_i = Σ_{j≠i} s_j.
 *    This linear system (solved below, with a VM that cannot keep up taking r_i a second and
 *    sending nothing) gives each VM's load ρ_i = λ_i / r_i.
 * 3. Queue. With ρ < 1 the queue is stable: with arrivals in one tick roughly Poisson of mean
 *    ρ and one message taken per tick, the mean queue after a tick is ρ² / (2 (1 - ρ)) (the
 *    slotted single-server queue; regular ticks make arrivals smoother than Poisson, so this
 *    leans high). With ρ >= 1 the VM cannot keep up: the queue grows by λ - r a second, so
 *    its mean over a trial of D seconds is (λ - r) D / 2. The steady state stops holding there.
 * 4. Lag. A VM that keeps up falls behind the largest clock by (f - r_i) a second until a
 *    message carrying that clock arrives; the fastest VM sends to it every g = R / (2 (1 - ρ_f))
 *    of its ticks on average, so n = f D / g such messages come in a trial. The longest of n
 *    roughly exponential gaps is about (ln n + γ) mean gaps, so the largest lag is about
 *    (1 - q) g (ln n + γ) + (1/q - 1) (the last term: the wait for its next tick). A VM that
 *    cannot keep up works through messages (ρ - 1) t seconds old at time t, so its lag
 *    grows to about f (ρ - 1) D by the end; relays through other VMs, ignored here, shorten gaps.
 */

/** Euler-Mascheroni: the mean of the largest of n exponentials is (ln n + γ) means. */
const GAMMA = 0.5772;

/** What the model expects of one VM of a trial. */
export interface VmExpectation {
  ratio: number;
  /** Messages a second sent to it (λ), and that over its rate (ρ). */
  arrivalsPerS: number;
  load: number;
  /** Load below 1: its queue stays bounded and the steady-state formulas hold. */
  keepsUp: boolean;
  skippedPerTick: number;
  lagMax: number;
  queueMean: number;
}

/** The rates, event range and seconds of one trial. */
export interface ModelInput {
  rates: readonly number[];
  eventRange: number;
  durationS: number;
}

/**
 * Messages a second each VM receives (λ), solving λ_i = a Σ_{j≠i} (r_j - min(λ_j, r_j)) by a
 * damped fixed-point iteration (undamped, it oscillates when a (N - 1) >= 1).
 */
export function arrivals(rates: readonly number[], eventRange: number): number[] {
  const a = 2 / eventRange;
  let lambda = rates.map(() => 0);
  for (let k = 0; k < 2000; k++) {
    const sends = rates.map((r, j) => Math.max(0, r - Math.min(lambda[j] ?? 0, r)));
    const total = sends.reduce((s, x) => s + x, 0);
    const next = lambda.map((l, i) => (l + a * (total - (sends[i] ?? 0))) / 2);
    const moved = next.reduce((m, x, i) => Math.max(m, Math.abs(x - (lambda[i] ?? 0))), 0);
    lambda = next;
    if (moved < 1e-12) break;
  }
  return lambda;
}

/** Values skipped per tick at ratio q: 1/q - 1. */
export function skippedPerTickAt(q: number): number {
  return q > 0 ? 1 / q - 1 : Number.NaN;
}

/** Mean queue after a tick at load ρ over D seconds (rate r): steady state, or linear growth. */
export function queueMeanAt(load: number, rate: number, durationS: number): number {
  if (load < 1) return (load * load) / (2 * (1 - load));
  return ((load - 1) * rate * durationS) / 2;
}

/** Largest lag at ratio q and load ρ, with the fastest VM at rate f and load ρ_f. */
export function lagMaxAt(
  q: number,
  load: number,
  fastest: { rate: number; load: number },
  eventRange: number,
  durationS: number,
): number {
  if (q >= 1) return 0;
  if (load >= 1) return fastest.rate * Math.min(load - 1, 1) * durationS;
  const g = eventRange / (2 * Math.max(1e-9, 1 - Math.min(fastest.load, 1)));
  const n = Math.max(1, (fastest.rate * durationS) / g);
  return (1 - q) * g * (Math.log(n) + GAMMA) + (1 / q - 1);
}

/** The model's expectation for every VM of a trial, in the order of `rates`. */
export function expectTrial(input: ModelInput): VmExpectation[] {
  const { rates, eventRange, durationS } = input;
  const f = Math.max(...rates);
  const lambda = arrivals(rates, eventRange);
  const loads = rates.map((r, i) => (lambda[i] ?? 0) / r);
  const top = rates.indexOf(f);
  const fastest = { rate: f, load: loads[top] ?? 0 };
  return rates.map((r, i) => {
    const q = r / f;
    const load = loads[i] ?? 0;
    return {
      ratio: q,
      arrivalsPerS: lambda[i] ?? 0,
      load,
      keepsUp: load < 1,
      // Behind by f (ρ - 1) t at time t, its clock gains f (2 - ρ) a second over r ticks.
      skippedPerTick: load < 1 ? skippedPerTickAt(q) : Math.max(0, (1 - Math.min(load - 1, 1)) / q - 1),
      lagMax: lagMaxAt(q, load, fastest, eventRange, durationS),
      queueMean: queueMeanAt(load, r, durationS),
    };
  });
}

/** The formulas as the page states them. */
export const MODEL_FORMULAS = {
  skipped: "values skipped per tick ≈ 1/q − 1",
  lag: "largest drift (lag behind the largest clock) ≈ (1 − q)·g·(ln n + γ) + 1/q − 1, g = R / (2(1 − ρ_f)), n = f·D / g",
  queue: "mean queue ≈ ρ² / (2(1 − ρ)) while ρ < 1; (ρ − 1)·r·D / 2 once it cannot keep up",
} as const;
