import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { quantile, type Summary, summarize } from "../../src/analysis/series.js";
import { createRng, randomInt } from "../../src/base/rng.js";

/** The definition: sort (NaN last), nearest rank. */
function bySorting(values: number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const mean = n === 0 ? Number.NaN : values.reduce((s, x) => s + x, 0) / n;
  const sq = values.reduce((s, x) => s + (x - mean) ** 2, 0);
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

describe("summarize", () => {
  it("gives the quantiles and extremes a full sort gives, on seeded mixes of values", () => {
    const rng = createRng(5);
    const kinds = [
      () => rng.next() * 10,
      () => randomInt(rng, 0, 3),
      () =>
        [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0][
          randomInt(rng, 0, 4)
        ] as number,
    ];
    for (let round = 0; round < 400; round++) {
      const n = randomInt(rng, 0, round < 200 ? 12 : 3000);
      const mix = randomInt(rng, 0, 7);
      let values = Array.from({ length: n }, () => (kinds[mix % 3] as () => number)());
      if (mix >= 3 && mix < 5) values.sort((a, b) => a - b);
      if (mix >= 5) values = values.map((x, i) => (i % 5 === 0 ? (kinds[2] as () => number)() : x));
      assert.deepEqual(summarize(values), bySorting(values), JSON.stringify(values.slice(0, 20)));
    }
  });
});
