/** The visible time range (ms after the trial's start) and its mapping to canvas pixels. */
export interface View {
  from: number;
  to: number;
  width: number;
}

export const xOf = (v: View, ms: number) => ((ms - v.from) / (v.to - v.from)) * v.width;
export const msAt = (v: View, x: number) => v.from + (x / v.width) * (v.to - v.from);

/** Tick marks about every 90 px at 1, 2 or 5 times a power of ten (ms). */
export function ticks(v: View): { step: number; at: number[] } {
  const raw = ((v.to - v.from) * 90) / Math.max(1, v.width);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const at: number[] = [];
  for (let x = Math.ceil(v.from / step) * step; x <= v.to; x += step) at.push(x);
  return { step, at };
}

/** Seconds with as many decimals as the tick step needs. */
export function seconds(ms: number, stepMs = 1000): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(stepMs / 1000))));
  return `${(ms / 1000).toFixed(decimals)} s`;
}

/** First index whose time is >= ms (times sorted ascending). */
export function lowerBound(t: readonly number[], ms: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((t[mid] as number) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
