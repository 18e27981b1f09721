import { UsageError } from "../base/errors.js";
import { type Rng, randomInt } from "../base/rng.js";

/** How a VM's tick rate is chosen (the original CLI's `-overridefreq` and `-multiplier`). */
export interface RateSpec {
  /** Fixed base rate in ticks/s; when absent the rate is drawn from [min, max]. */
  fixed?: number | undefined;
  /** Bounds of the random integer rate. @default 1 and 6 */
  min: number;
  max: number;
  /** Multiplies the chosen rate. @default 1 */
  multiplier: number;
}

export const DEFAULT_RATE: RateSpec = { min: 1, max: 6, multiplier: 1 };

/** Checks a rate spec; the error names the fields `rateMin` and `rateMax`. */
export function checkRateSpec(spec: RateSpec): void {
  if (!Number.isInteger(spec.min) || !Number.isInteger(spec.max) || spec.min < 1 || spec.max < spec.min) {
    throw new UsageError({
      field: ["rateMin", "rateMax"],
      detail: `expected integers with 1 <= min <= max, got ${spec.min} and ${spec.max}`,
    });
  }
}

/**
 * The VM's rate in ticks/s. The draw is the first number taken from the VM's RNG, so a seed
 * fixes both the rate and every event after it.
 */
export function chooseRate(spec: RateSpec, rng: Rng): number {
  // Draw even when the rate is fixed, so the event stream after it does not depend on that.
  const drawn = randomInt(rng, spec.min, spec.max);
  return (spec.fixed ?? drawn) * spec.multiplier;
}
