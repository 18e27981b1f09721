/** A source of uniform random numbers in [0, 1). Injected into the VM so runs can be replayed. */
export interface Rng {
  next(): number;
}

/**
 * Seeded generator (sfc32 seeded through splitmix32): fast, 128 bits of state and good enough
 * statistics for event draws. The same seed always gives the same stream on every platform.
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return {
    next(): number {
      const t = (((a + b) >>> 0) + d) >>> 0;
      d = (d + 1) >>> 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) >>> 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) >>> 0;
      return t / 4294967296;
    },
  };
}

/** A uniform integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.next() * (max - min + 1));
}

/**
 * Mixes a user seed with the VM's id and trial so that VMs started with the same `--seed`
 * draw different (but reproducible) rates and events.
 */
export function deriveSeed(seed: number, vmId: string, trial: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of `${vmId}/${trial}/${Math.floor(seed / 4294967296)}`) {
    h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  }
  return h >>> 0;
}
