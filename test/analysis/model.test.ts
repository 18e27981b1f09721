import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { arrivals, expectTrial, lagMaxAt } from "../../src/analysis/model.js";
import type { VmRatio } from "../../src/analysis/ratios.js";
import { resolveExperiments } from "../../src/run/config.js";
import { simulateRun } from "../../src/sim/run.js";

/** Every VM-trial of seeded sim runs of both presets (60 s trials, rates drawn anew each trial). */
async function simulated(seeds: number[], name = "all", overrides = {}): Promise<VmRatio[]> {
  const out: VmRatio[] = [];
  for (const seed of seeds) {
    const { report } = await simulateRun(
      {
        experiments: resolveExperiments(name, overrides),
        seed,
        basePort: 5001,
        latency: { kind: "constant", ms: 0.1 },
        runDir: undefined,
      },
      [],
    );
    for (const e of report.experiments) out.push(...e.ratios);
  }
  return out;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe("the rate-ratio model", () => {
  it("solves the arrivals: what each VM receives is what the others send it", () => {
    // Rates 2, 4, 6 with R = 10 (a = 0.2): λ_i = a Σ_{j≠i} (r_j - λ_j), all below their rates.
    const rates = [2, 4, 6];
    const lambda = arrivals(rates, 10);
    for (const [i, l] of lambda.entries()) {
      const sent = sum(rates.map((r, j) => (j === i ? 0 : 0.2 * (r - (lambda[j] as number)))));
      assert.ok(Math.abs(l - sent) < 1e-9, `VM ${i}: λ ${l}, sent to it ${sent}`);
    }
    // A VM of rate 1 among two of rate 5 receives more than it can take: it sends nothing.
    const [slow] = expectTrial({ rates: [1, 5, 5], eventRange: 10, durationS: 60 });
    assert.ok(slow && !slow.keepsUp && slow.load > 1, `load ${slow?.load}`);
  });

  const runs = simulated([1, 2, 3, 4, 5, 6, 7, 8]);

  it("predicts skipped values per tick as 1/q - 1 for every VM that keeps up (load < 0.8)", async () => {
    const keep = (await runs).filter((v) => v.expected.load < 0.8);
    assert.ok(keep.length > 150, `${keep.length} VM-trials`);
    for (const v of keep) {
      const expected = 1 / v.ratio - 1;
      // Measured over 8 seeds x 2 presets x 5 trials: within 0.071 of 1/q - 1.
      assert.ok(
        Math.abs(v.skippedPerTick - expected) <= 0.1,
        `${v.experiment} trial ${v.trial} VM ${v.vm} (ratio ${v.ratio}, load ${v.expected.load}): ${v.skippedPerTick} skipped per tick, model ${expected}`,
      );
    }
  });

  it("predicts the largest lag of a VM that keeps up, within a factor of 2.5 each and 20% overall", async () => {
    const keep = (await runs).filter((v) => v.expected.load < 0.9 && v.ratio < 1);
    for (const v of keep) {
      const r = v.lagMax / v.expected.lagMax;
      // The longest of n random gaps varies by about a third around its mean.
      assert.ok(
        r >= 0.4 && r <= 2.5,
        `${v.experiment} trial ${v.trial} VM ${v.vm}: lag ${v.lagMax}, model ${v.expected.lagMax}`,
      );
    }
    const overall = sum(keep.map((v) => v.lagMax)) / sum(keep.map((v) => v.expected.lagMax));
    assert.ok(overall >= 0.8 && overall <= 1.2, `measured / model over all: ${overall}`);
  });

  it("bounds the mean queue of VMs that keep up: ρ²/(2(1 - ρ)) leans high, regular ticks queue less", async () => {
    const keep = (await runs).filter((v) => v.expected.load < 0.8);
    const overall = sum(keep.map((v) => v.queueMean)) / sum(keep.map((v) => v.expected.queueMean));
    assert.ok(overall >= 0.3 && overall <= 1, `measured / model over all: ${overall}`);
    const grew = keep.filter((v) => v.queueTrend.grew);
    assert.equal(grew.length, 0, `queues grew: ${grew.map((v) => `${v.experiment} ${v.trial} ${v.vm}`)}`);
  });

  it("stops holding where a slow VM cannot keep up: its queue grows and it falls behind", async () => {
    // Rate 1 among two VMs of rate 5: sent about 1.33 messages a second, it can take 1.
    const slow = (await simulated([1, 2], "standard", { rates: [1, 5, 5] })).filter((v) => v.rate === 1);
    assert.equal(slow.length, 10);
    for (const v of slow) {
      const where = `seed trial ${v.trial}`;
      assert.equal(v.expected.keepsUp, false);
      assert.ok(v.queueTrend.grew, `${where}: queue ${JSON.stringify(v.queueTrend)}`);
      // The steady state's 1/q - 1 = 4 overshoots: it reads old messages, with old clocks.
      assert.ok(v.skippedPerTick < 1 / v.ratio - 1 - 0.5, `${where}: ${v.skippedPerTick} skipped per tick`);
      // ... and its lag far exceeds what it would be if it kept up.
      const steady = lagMaxAt(v.ratio, 0.5, { rate: 5, load: 0.1 }, 10, 60);
      assert.ok(v.lagMax > 1.5 * steady, `${where}: lag ${v.lagMax}, steady-state ${steady}`);
    }
    // Linear growth, (ρ - 1) r D / 2 on average, holds over the trials within a factor of 2.
    const overall = sum(slow.map((v) => v.queueMean)) / sum(slow.map((v) => v.expected.queueMean));
    assert.ok(overall >= 0.5 && overall <= 2, `measured / model over all: ${overall}`);
  });
});
