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
  const sorted = (values instanceof Float64Array ? values.slice() : Float64Array.from(values)).sort();
  const n = sorted.length;
  let sum = 0;
  for (const x of sorted) sum += x;
  const mean = n === 0 ? Number.NaN : sum / n;
  let sq = 0;
  for (const x of sorted) sq += (x - mean) ** 2;
  return {
    count: n,
    mean,
    sd: n < 2 ? 0 : Math.sqrt(sq / (n - 1)),
    min: n === 0 ? Number.NaN : (sorted[0] as number),
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: n === 0 ? Number.NaN : (sorted[n - 1] as number),
  };
}
