import type { TrialDiagram } from "../format.js";

/** How event `a` stands to event `b` by their vector clocks. */
export type Relation = "a->b" | "b->a" | "concurrent" | "same";

/** vc(i) <= vc(j) entry by entry (the logged clocks, `k` entries each). */
export function leq(vc: readonly number[], k: number, i: number, j: number): boolean {
  for (let x = 0; x < k; x++) if ((vc[i * k + x] as number) > (vc[j * k + x] as number)) return false;
  return true;
}

/** a happened before b iff vc(a) <= vc(b) and they differ; neither way: concurrent. */
export function relation(d: TrialDiagram, a: number, b: number): Relation {
  const k = d.vms.length;
  if (a === b) return "same";
  const ab = leq(d.vc, k, a, b);
  const ba = leq(d.vc, k, b, a);
  if (ab && ba) return "same";
  if (ab) return "a->b";
  if (ba) return "b->a";
  return "concurrent";
}

/** Per event: 1 in the causal past of `a`, 2 in its future, 3 `a` itself, 0 concurrent. */
export function cone(d: TrialDiagram, a: number): { marks: Uint8Array; past: number; future: number } {
  const n = d.vm.length;
  const k = d.vms.length;
  const marks = new Uint8Array(n);
  let past = 0;
  let future = 0;
  for (let i = 0; i < n; i++) {
    if (i === a) {
      marks[i] = 3;
    } else if (leq(d.vc, k, i, a)) {
      marks[i] = 1;
      past += 1;
    } else if (leq(d.vc, k, a, i)) {
      marks[i] = 2;
      future += 1;
    }
  }
  return { marks, past, future };
}
