/** A growable list of numbers in one Float64Array: no per-value objects, for large runs. */
export class Series {
  #values = new Float64Array(64);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(x: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = x;
  }

  /** The values, as a view (not a copy). */
  values(): Float64Array {
    return this.#values.subarray(0, this.#length);
  }

  /** A summary of the values: count, mean, quantiles and extremes (NaN when empty). */
  summary(): Summary {
    return summarize(this.values());
  }
}

/** The values of several series, one after the other, in one array. */
export function concatSeries(series: readonly Series[]): Float64Array {
  const out = new Float64Array(series.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of series) {
    out.set(s.values(), at);
    at += s.length;
  }
  return out;
}

/** Count, mean, standard deviation, quantiles and extremes of a list of numbers. */
export interface Summary {
  count: number;
  mean: number;
  sd: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Rounds to 3 decimals for reports; NaN and infinities pass through. */
export function round3(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarize(values: ArrayLike<number>): Summary {
  // A typed array is copied in one go; Float64Array.from walks the iterator value by value.
  const work = values instanceof Float64Array ? values.slice() : Float64Array.from(values);
  const n = work.length;
  let sum = 0;
  let min = n === 0 ? Number.NaN : (work[0] as number);
  let max = min;
  for (const x of work) {
    sum += x;
    if (before(x, min)) min = x;
    if (before(max, x)) max = x;
  }
  const mean = n === 0 ? Number.NaN : sum / n;
  let sq = 0;
  for (const x of work) sq += (x - mean) ** 2;
  // The nearest ranks, found by selection (linear) rather than by sorting a million values;
  // the largest first, so each later search only looks below it.
  const rank = (q: number) => Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  const at = (k: number, hi: number) => (n === 0 ? Number.NaN : select(work, k, hi));
  const p99 = at(rank(0.99), n - 1);
  const p95 = at(rank(0.95), rank(0.99));
  const p50 = at(rank(0.5), rank(0.95));
  return {
    count: n,
    mean,
    sd: n < 2 ? 0 : Math.sqrt(sq / (n - 1)),
    min,
    p50,
    p95,
    p99,
    max,
  };
}

/** `a` before `b` in Float64Array.prototype.sort's order: -0 before 0, NaN last. */
function before(a: number, b: number): boolean {
  return a < b || (a === b ? a === 0 && 1 / a < 1 / b : Number.isNaN(b) && !Number.isNaN(a));
}

/**
 * The value that sorting xs[0..hi] would put at index k (Hoare's selection, median of three
 * pivots); reorders xs[0..hi] so that xs[0..k] holds the k+1 smallest.
 */
function select(xs: Float64Array, k: number, hi: number): number {
  let lo = 0;
  let right = hi;
  while (right > lo) {
    const mid = (lo + right) >> 1;
    // Median of three as the pivot keeps sorted and constant runs (latencies, lateness) linear.
    const a = xs[lo] as number;
    const b = xs[mid] as number;
    const c = xs[right] as number;
    const pivot = before(a, b)
      ? before(b, c)
        ? b
        : before(a, c)
          ? c
          : a
      : before(a, c)
        ? a
        : before(b, c)
          ? c
          : b;
    let i = lo;
    let j = right;
    while (i <= j) {
      while (before(xs[i] as number, pivot)) i++;
      while (before(pivot, xs[j] as number)) j--;
      if (i <= j) {
        const t = xs[i] as number;
        xs[i] = xs[j] as number;
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) lo = i;
    else return xs[k] as number;
  }
  return xs[k] as number;
}
