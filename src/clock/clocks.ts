/**
 * Lamport and vector clock rules (Lamport 1978; Fidge/Mattern). Pure functions, so the
 * rules can be checked in isolation and reused by the log checks.
 */

/** A vector clock: VM id -> count. Zero entries are omitted. */
export type VectorClock = Record<string, number>;

/** IR1: every local event (internal or send) advances the clock by one. */
export function lamportLocal(clock: number): number {
  return clock + 1;
}

/** IR2: on receive, jump past both the local clock and the message's stamp. */
export function lamportReceive(clock: number, msgClock: number): number {
  return Math.max(clock, msgClock) + 1;
}

/** A local event (internal or send): increment our own entry. Returns a new clock. */
export function vectorLocal(vc: VectorClock, self: string): VectorClock {
  return { ...vc, [self]: (vc[self] ?? 0) + 1 };
}

/** A receive: element-wise max with the message's clock, then increment our own entry. */
export function vectorReceive(vc: VectorClock, msgVc: VectorClock, self: string): VectorClock {
  const merged: VectorClock = { ...vc };
  for (const [id, n] of Object.entries(msgVc)) {
    if (n > (merged[id] ?? 0)) merged[id] = n;
  }
  merged[self] = (merged[self] ?? 0) + 1;
  return merged;
}

/** True when `a` happened before `b` (a <= b element-wise and a != b). */
export function happenedBefore(a: VectorClock, b: VectorClock): boolean {
  let strictly = false;
  for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[id] ?? 0;
    const y = b[id] ?? 0;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}
